/* ChaCha20 against the test vectors of RFC 8439. */
#include <mg/random.h>

#include "mgtest.h"

/* Decode hex digits from (hex), skipping spaces and colons; returns count. */
static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	int half = -1;
	for (const char *p = hex; *p; p++) {
		int v;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else
			continue;
		if (half < 0) {
			half = v;
		} else {
			if (n == max)
				mgt_fail(__FILE__, __LINE__, "hex too long");
			out[n++] = (uint8_t)(half << 4 | v);
			half = -1;
		}
	}
	return n;
}

static const char key_seq[] = "000102030405060708090a0b0c0d0e0f"
                              "101112131415161718191a1b1c1d1e1f";

static void check_block(const char *key_hex, uint32_t counter,
                        const char *nonce_hex, const char *want_hex)
{
	uint8_t key[32], nonce[12], want[64], got[64];
	ASSERT_EQ(unhex(key_hex, key, 32), 32);
	ASSERT_EQ(unhex(nonce_hex, nonce, 12), 12);
	ASSERT_EQ(unhex(want_hex, want, 64), 64);
	mg_chacha20_block(key, counter, nonce, got);
	ASSERT_MEMEQ(got, want, 64);
}

static void check_xor(const char *key_hex, uint32_t counter,
                      const char *nonce_hex, const char *plain, size_t len,
                      const char *want_hex)
{
	uint8_t key[32], nonce[12], want[512], got[512], back[512];
	ASSERT_EQ(unhex(key_hex, key, 32), 32);
	ASSERT_EQ(unhex(nonce_hex, nonce, 12), 12);
	ASSERT_EQ(unhex(want_hex, want, sizeof want), len);
	mg_chacha20_xor(key, counter, nonce, (const uint8_t *)plain, got, len);
	ASSERT_MEMEQ(got, want, len);
	/* The cipher is its own inverse. */
	mg_chacha20_xor(key, counter, nonce, got, back, len);
	ASSERT_MEMEQ(back, plain, len);
}

/* RFC 8439 section 2.3.2. */
MGT_TEST(block_section_2_3_2)
{
	check_block(key_seq, 1, "000000090000004a00000000",
	            "10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4"
	            "c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e"
	            "d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2"
	            "b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e");
}

static const char sunscreen[] =
    "Ladies and Gentlemen of the class of '99: If I could offer you "
    "only one tip for the future, sunscreen would be it.";

/* RFC 8439 section 2.4.2. */
MGT_TEST(encryption_section_2_4_2)
{
	ASSERT_EQ(sizeof sunscreen - 1, 114);
	check_xor(key_seq, 1, "000000000000004a00000000", sunscreen,
	          sizeof sunscreen - 1,
	          "6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81"
	          "e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b"
	          "f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57"
	          "16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8"
	          "07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e"
	          "52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36"
	          "5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42"
	          "87 4d");
}

static const char zero_key[] = "00000000000000000000000000000000"
                               "00000000000000000000000000000000";
static const char zero_nonce[] = "000000000000000000000000";

/* RFC 8439 appendix A.1, test vectors 1 to 5. */
MGT_TEST(blocks_appendix_a_1)
{
	check_block(zero_key, 0, zero_nonce,
	            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc"
	            "8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11c"
	            "c387b669b2ee6586");
	check_block(zero_key, 1, zero_nonce,
	            "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e"
	            "32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45"
	            "ace10a1f4b794d6f");
	check_block("00000000000000000000000000000000"
	            "00000000000000000000000000000001",
	            1, zero_nonce,
	            "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3"
	            "c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125"
	            "a64addeb006c13a0");
	check_block("00ff0000000000000000000000000000"
	            "00000000000000000000000000000000",
	            2, zero_nonce,
	            "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1"
	            "ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b"
	            "7374f4872e99f096");
	check_block(zero_key, 0, "000000000000000000000002",
	            "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b"
	            "54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362"
	            "fa198a39531bed6d");
}

static const char ietf[] =
    "Any submission to the IETF intended by the Contributor for "
    "publication as all or part of an IETF Internet-Draft or RFC and any "
    "statement made within the context of an IETF activity is "
    "considered an \"IETF Contribution\". Such statements include oral "
    "statements in IETF sessions, as well as written and electronic "
    "communications made at any time or place, which are addressed to";

static const char jabberwocky[] =
    "'Twas brillig, and the slithy toves\nDid gyre and gimble in the "
    "wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.";

/* RFC 8439 appendix A.2, test vectors 1 to 3. */
MGT_TEST(encryption_appendix_a_2)
{
	static const char zeros[64];
	check_xor(zero_key, 0, zero_nonce, zeros, 64,
	          "76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28"
	          "bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7"
	          "da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37"
	          "6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86");

	ASSERT_EQ(sizeof ietf - 1, 375);
	check_xor("00000000000000000000000000000000"
	          "00000000000000000000000000000001",
	          1, "000000000000000000000002", ietf, sizeof ietf - 1,
	          "a3 fb f0 7d f3 fa 2f de 4f 37 6c a2 3e 82 73 70"
	          "41 60 5d 9f 4f 4f 57 bd 8c ff 2c 1d 4b 79 55 ec"
	          "2a 97 94 8b d3 72 29 15 c8 f3 d3 37 f7 d3 70 05"
	          "0e 9e 96 d6 47 b7 c3 9f 56 e0 31 ca 5e b6 25 0d"
	          "40 42 e0 27 85 ec ec fa 4b 4b b5 e8 ea d0 44 0e"
	          "20 b6 e8 db 09 d8 81 a7 c6 13 2f 42 0e 52 79 50"
	          "42 bd fa 77 73 d8 a9 05 14 47 b3 29 1c e1 41 1c"
	          "68 04 65 55 2a a6 c4 05 b7 76 4d 5e 87 be a8 5a"
	          "d0 0f 84 49 ed 8f 72 d0 d6 62 ab 05 26 91 ca 66"
	          "42 4b c8 6d 2d f8 0e a4 1f 43 ab f9 37 d3 25 9d"
	          "c4 b2 d0 df b4 8a 6c 91 39 dd d7 f7 69 66 e9 28"
	          "e6 35 55 3b a7 6c 5c 87 9d 7b 35 d4 9e b2 e6 2b"
	          "08 71 cd ac 63 89 39 e2 5e 8a 1e 0e f9 d5 28 0f"
	          "a8 ca 32 8b 35 1c 3c 76 59 89 cb cf 3d aa 8b 6c"
	          "cc 3a af 9f 39 79 c9 2b 37 20 fc 88 dc 95 ed 84"
	          "a1 be 05 9c 64 99 b9 fd a2 36 e7 e8 18 b0 4b 0b"
	          "c3 9c 1e 87 6b 19 3b fe 55 69 75 3f 88 12 8c c0"
	          "8a aa 9b 63 d1 a1 6f 80 ef 25 54 d7 18 9c 41 1f"
	          "58 69 ca 52 c5 b8 3f a3 6f f2 16 b9 c1 d3 00 62"
	          "be bc fd 2d c5 bc e0 91 19 34 fd a7 9a 86 f6 e6"
	          "98 ce d7 59 c3 ff 9b 64 77 33 8f 3d a4 f9 cd 85"
	          "14 ea 99 82 cc af b3 41 b2 38 4d d9 02 f3 d1 ab"
	          "7a c6 1d d2 9c 6f 21 ba 5b 86 2f 37 30 e3 7c fd"
	          "c4 fd 80 6c 22 f2 21");

	ASSERT_EQ(sizeof jabberwocky - 1, 127);
	check_xor("1c 92 40 a5 eb 55 d3 8a f3 33 88 86 04 f6 b5 f0"
	          "47 39 17 c1 40 2b 80 09 9d ca 5c bc 20 70 75 c0",
	          42, "000000000000000000000002", jabberwocky,
	          sizeof jabberwocky - 1,
	          "62 e6 34 7f 95 ed 87 a4 5f fa e7 42 6f 27 a1 df"
	          "5f b6 91 10 04 4c 0d 73 11 8e ff a9 5b 01 e5 cf"
	          "16 6d 3d f2 d7 21 ca f9 b2 1e 5f b1 4c 61 68 71"
	          "fd 84 c5 4f 9d 65 b2 83 19 6c 7f e4 f6 05 53 eb"
	          "f3 9c 64 02 c4 22 34 e3 2a 35 6b 3e 76 43 12 a6"
	          "1a 55 32 05 57 16 ea d6 96 25 68 f8 7d 3f 3f 77"
	          "04 c6 a8 d1 bc d1 bf 4d 50 d6 15 4b 6d a7 31 b1"
	          "87 b5 8d fd 72 8a fa 36 75 7a 79 7a c1 88 d1");
}

/* Encrypting in place, and a length of zero, are allowed. */
MGT_TEST(xor_in_place_and_empty)
{
	uint8_t key[32] = {1}, nonce[12] = {2}, buf[100], ref[100];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)i;
	mg_chacha20_xor(key, 7, nonce, buf, ref, sizeof buf);
	mg_chacha20_xor(key, 7, nonce, buf, buf, sizeof buf);
	ASSERT_MEMEQ(buf, ref, sizeof buf);
	uint8_t untouched = 0x5a;
	mg_chacha20_xor(key, 7, nonce, buf, &untouched, 0);
	ASSERT_EQ(untouched, 0x5a);
}
