/** Shared-memory rings in the comm area: ROS->HRT calls and HRT->ROS requests, by sequence number. */
package org.legionhrt.hvm.ring;
