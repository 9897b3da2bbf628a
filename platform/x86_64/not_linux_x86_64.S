/* An hvt or spt image started by Linux as a program: say so and exit 126. */

	.text
	.globl mg__x86_not_linux
	.type mg__x86_not_linux, @function
/*
 * Jumped to (not called) from _start with RSP as Linux set it (argc, then
 * argv) and RDI, RSI = the explanation and its length: writes argv[0] and
 * the explanation to stderr, then exits with 126.
 */
mg__x86_not_linux:
	movq %rdi, %r12
	movq %rsi, %r13
	movq 8(%rsp), %rsi
	testq %rsi, %rsi
	jnz 2f
	leaq .Lunnamed(%rip), %rsi
2:	movq %rsi, %rdx
3:	cmpb $0, (%rdx)
	je 4f
	incq %rdx
	jmp 3b
4:	subq %rsi, %rdx
	movl $1, %eax /* SYS_write */
	movl $2, %edi
	syscall
	movl $1, %eax
	movl $2, %edi
	movq %r12, %rsi
	movq %r13, %rdx
	syscall
	movl $231, %eax /* SYS_exit_group */
	movl $126, %edi
	syscall
	hlt
	.size mg__x86_not_linux, . - mg__x86_not_linux

	.section .rodata
.Lunnamed:
	.asciz "image"

	.section .note.GNU-stack, "", @progbits
