/* SSE instructions for hvt_test's "sse" test: C here is general registers only. */

	.text
/* void mg_test_sse(const float a[4], const float b[4], float out[4]):
 * out = a * b + b, four lanes at once. */
	.globl mg_test_sse
	.type mg_test_sse, @function
mg_test_sse:
	movups (%rdi), %xmm0
	movups (%rsi), %xmm1
	mulps %xmm1, %xmm0
	addps %xmm1, %xmm0
	movups %xmm0, (%rdx)
	ret
	.size mg_test_sse, . - mg_test_sse

/* uint32_t mg_test_mxcsr(void): the SSE control and status register. */
	.globl mg_test_mxcsr
	.type mg_test_mxcsr, @function
mg_test_mxcsr:
	subq $8, %rsp
	stmxcsr (%rsp)
	movl (%rsp), %eax
	addq $8, %rsp
	ret
	.size mg_test_mxcsr, . - mg_test_mxcsr

	.section .note.GNU-stack, "", @progbits
