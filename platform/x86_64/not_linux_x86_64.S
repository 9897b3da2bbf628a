/* An hvt or spt image started by Linux as a program: say so and exit 126. */

	.text
/* write(2, RSI, strlen(RSI)); clobbers RAX, RCX, RDX, RDI, R11. */
	.type put, @function
put:
	movq %rsi, %rdx
1:	cmpb $0, (%rdx)
	je 2f
	incq %rdx
	jmp 1b
2:	subq %rsi, %rdx
	movl $1, %eax /* SYS_write */
	movl $2, %edi
	syscall
	ret
	.size put, . - put

	.globl mg__x86_not_linux
	.type mg__x86_not_linux, @function
/*
 * Jumped to (not called) from _start with RSP as Linux set it (argc, then
 * argv) and RDI = the target's name ("hvt"): writes "argv[0]: this is a
 * Morgana hvt image; run it with morgana-hvt or 'morgana run'" to stderr,
 * then exits with 126.
 */
mg__x86_not_linux:
	movq %rdi, %r12
	movq 8(%rsp), %rsi
	testq %rsi, %rsi
	jnz 3f
	leaq .Lunnamed(%rip), %rsi
3:	andq $-16, %rsp
	call put
	leaq .Lthis(%rip), %rsi
	call put
	movq %r12, %rsi
	call put
	leaq .Lrun(%rip), %rsi
	call put
	movq %r12, %rsi
	call put
	leaq .Lor(%rip), %rsi
	call put
	movl $231, %eax /* SYS_exit_group */
	movl $126, %edi
	syscall
	hlt
	.size mg__x86_not_linux, . - mg__x86_not_linux

	.section .rodata
.Lunnamed:
	.asciz "image"
.Lthis:
	.asciz ": this is a Morgana "
.Lrun:
	.asciz " image; run it with morgana-"
.Lor:
	.asciz " or 'morgana run'\n"

	.section .note.GNU-stack, "", @progbits
