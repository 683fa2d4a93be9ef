/** KVM through FFM: the system handle and probe, VMs with memory slots, vCPUs and their run loop. */
package org.legionhrt.hvm.kvm;
