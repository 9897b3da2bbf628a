/* ctype.h: character classes of the "C" locale (ASCII only). */
#ifndef _CTYPE_H
#define _CTYPE_H

/*
 * (c) is an unsigned char value or EOF, as C requires; any other value
 * (and every byte above 127) is in no class and maps to itself.
 */
int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);

#endif
