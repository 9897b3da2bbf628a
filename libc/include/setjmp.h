/* setjmp.h: non-local jumps (x86-64: callee-saved registers only). */
#ifndef _SETJMP_H
#define _SETJMP_H

/*
 * rbx, rbp, r12-r15, rsp, rip. There are no signals, so nothing else
 * (no signal mask, no FP state: images use general registers only).
 */
typedef unsigned long jmp_buf[8];

__attribute__((returns_twice)) int setjmp(jmp_buf env);

/*
 * Resume at the setjmp() that filled (env), which then returns (val), or 1
 * if (val) is 0. The function that called setjmp() MUST still be running.
 */
_Noreturn void longjmp(jmp_buf env, int val);

#endif
