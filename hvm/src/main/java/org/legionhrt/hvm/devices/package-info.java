/** The HVM's port-I/O devices (COM1, exit, panic, doze/kick, hypercall) and the console. */
package org.legionhrt.hvm.devices;
