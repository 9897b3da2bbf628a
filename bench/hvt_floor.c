/* The floor for hvt boot times: the least a KVM host can do, a guest that
 * halts. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Create a VM with one page of memory and one vCPU in real mode, run the
 * single instruction `hlt`, exit. bench/hvt_boot.c times this process next
 * to morgana-hvt running an image: the difference is what loading, checking,
 * long mode, the guest's boot and the tender's set-up cost.
 */
int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("hvt_floor: /dev/kvm");
		return 1;
	}
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	uint8_t *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
	                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED) {
		perror("hvt_floor: VM");
		return 1;
	}
	mem[0] = 0xf4; /* hlt */
	struct kvm_userspace_memory_region r = {
	    .memory_size = 0x1000,
	    .userspace_addr = (uint64_t)(uintptr_t)mem,
	};
	int vcpu = -1;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) == 0)
		vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run =
	    vcpu < 0 || size <= 0
	        ? MAP_FAILED
	        : mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
	               vcpu, 0);
	if (run == MAP_FAILED) {
		perror("hvt_floor: vCPU");
		return 1;
	}
	struct kvm_sregs s;
	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.cs.base = 0;
	s.cs.selector = 0;
	ioctl(vcpu, KVM_SET_SREGS, &s);
	struct kvm_regs g = {.rip = 0, .rflags = 2};
	ioctl(vcpu, KVM_SET_REGS, &g);
	if (ioctl(vcpu, KVM_RUN, 0) < 0 || run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, "hvt_floor: the guest did not halt\n");
		return 1;
	}
	return 0;
}
