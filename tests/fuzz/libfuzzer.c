/*
 * libfuzzer.c - the libFuzzer entry points for one target, compiled with
 * -DFUZZ_FN=fuzz_NAME (see `make fuzz').
 */
#include "fuzz.h"

int FUZZ_FN(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return FUZZ_FN(data, size);
}
