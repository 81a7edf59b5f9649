/*
 * tests/host/calf_names.h - force-included (gcc -include) into every host test
 * translation unit.
 *
 * calf's lib/string.c and lib/format.c define the standard names memcpy,
 * snprintf and so on. Linked as-is into a host program they would clash with the
 * host C library (and with the sanitizers' interceptors), and calls from the tests
 * could land in libc instead of calf. Renaming every one of them to calf_<name>
 * before any header is read keeps the two apart: calf's definitions and every
 * call a test makes become calf_ names, while the host libc keeps its own.
 *
 * The renames also apply inside system headers included later; their
 * declarations simply become calf_ declarations with the same signatures.
 */
#ifndef CALF_TESTS_HOST_CALF_NAMES_H
#define CALF_TESTS_HOST_CALF_NAMES_H

#define memset calf_memset
#define memcpy calf_memcpy
#define memmove calf_memmove
#define memcmp calf_memcmp
#define memchr calf_memchr
#define strlen calf_strlen
#define strnlen calf_strnlen
#define strcmp calf_strcmp
#define strncmp calf_strncmp
#define strchr calf_strchr
#define strrchr calf_strrchr
#define strlcpy calf_strlcpy
#define strlcat calf_strlcat
#define vsnprintf calf_vsnprintf
#define snprintf calf_snprintf

#endif
