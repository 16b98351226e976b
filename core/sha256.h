#ifndef SVL_SHA256_H
#define SVL_SHA256_H
#include <stddef.h>
/* Lower-case hex SHA-256 of len bytes, NUL-terminated into out. */
void sha256_hex(const void *data, size_t len, char out[65]);
#endif
