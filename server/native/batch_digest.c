// The hash chain's per-batch hashing (server/integrity/hash.ts) in one native call: a leaf per
// event, the batch's tags and its chain hash. Node's crypto.hash costs ~0.45 us a call whatever
// the input, three times SHA-256 of a 260-byte leaf with the CPU's SHA extensions, and there is
// no Node API that hashes many short inputs at once (docs/BENCHMARKS.md, Integrity). The SHA-256
// is the one Node's own OpenSSL exports; the low-level SHA256_* calls, because the one-shot SHA256()
// goes through OpenSSL 3's algorithm fetch on every call. Same results as the JavaScript path
// (test/unit/integrity/batch-digest.test.ts).
#include <node_api.h>
#include <openssl/sha.h>
#include <stdint.h>

#define TAG_BYTES 8

static const char HEX[] = "0123456789abcdef";

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/*
 * digestBatch(texts: Buffer, ends: Uint32Array, count: number, header: Buffer, out: Buffer)
 * Leaf i is SHA-256 of texts[ends[i-1] .. ends[i]) (the first from 0). Writes the first TAG_BYTES
 * of each leaf to out (count * TAG_BYTES bytes), then the 32 bytes of SHA-256(header, then each
 * leaf in lower-case hex).
 */
static napi_value DigestBatch(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) return fail(env, "digestBatch: 5 arguments");
  uint8_t *texts, *header, *out;
  size_t textsLength, headerLength, outLength;
  if (napi_get_buffer_info(env, argv[0], (void **)&texts, &textsLength) != napi_ok) return fail(env, "digestBatch: texts must be a Buffer");
  napi_typedarray_type type;
  size_t endsLength;
  void *endsData;
  if (napi_get_typedarray_info(env, argv[1], &type, &endsLength, &endsData, NULL, NULL) != napi_ok || type != napi_uint32_array) return fail(env, "digestBatch: ends must be a Uint32Array");
  uint32_t count;
  if (napi_get_value_uint32(env, argv[2], &count) != napi_ok || count > endsLength) return fail(env, "digestBatch: count exceeds ends");
  if (napi_get_buffer_info(env, argv[3], (void **)&header, &headerLength) != napi_ok) return fail(env, "digestBatch: header must be a Buffer");
  if (napi_get_buffer_info(env, argv[4], (void **)&out, &outLength) != napi_ok || outLength < (size_t)count * TAG_BYTES + SHA256_DIGEST_LENGTH) return fail(env, "digestBatch: out too small");
  const uint32_t *ends = endsData;
  for (uint32_t i = 0, start = 0; i < count; start = ends[i++])
    if (ends[i] < start || ends[i] > textsLength) return fail(env, "digestBatch: ends out of order or past the texts");

  SHA256_CTX batch, one;
  SHA256_Init(&batch);
  SHA256_Update(&batch, header, headerLength);
  unsigned char leaf[SHA256_DIGEST_LENGTH];
  char hex[SHA256_DIGEST_LENGTH * 2];
  for (uint32_t i = 0, start = 0; i < count; start = ends[i++]) {
    SHA256_Init(&one);
    SHA256_Update(&one, texts + start, ends[i] - start);
    SHA256_Final(leaf, &one);
    for (int b = 0; b < TAG_BYTES; b++) out[(size_t)i * TAG_BYTES + b] = leaf[b];
    for (int b = 0; b < SHA256_DIGEST_LENGTH; b++) {
      hex[2 * b] = HEX[leaf[b] >> 4];
      hex[2 * b + 1] = HEX[leaf[b] & 15];
    }
    SHA256_Update(&batch, hex, sizeof hex);
  }
  SHA256_Final(out + (size_t)count * TAG_BYTES, &batch);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "digestBatch", NAPI_AUTO_LENGTH, DigestBatch, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "digestBatch", fn) != napi_ok) return NULL;
  return exports;
}
