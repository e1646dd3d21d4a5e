// The hash chain's per-batch hashing (server/integrity/hash.ts) in native calls: a leaf per event,
// then the batch's tags and its chain hash. Node's crypto.hash costs ~0.45 us a call whatever the
// input, three times SHA-256 of a 260-byte leaf with the CPU's SHA extensions, and there is no Node
// API that hashes many short inputs at once (docs/BENCHMARKS.md, Integrity). The SHA-256 is the one
// Node's own OpenSSL exports; the low-level SHA256_* calls, because the one-shot SHA256() goes
// through OpenSSL 3's algorithm fetch on every call. Same results as the JavaScript path
// (test/unit/store/batch-hasher.test.ts).
#include <node_api.h>
#include <openssl/sha.h>
#include <stdint.h>

#define TAG_BYTES 8
#define LEAF_BYTES SHA256_DIGEST_LENGTH

static const char HEX[] = "0123456789abcdef";

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

static int buffer(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  return napi_get_buffer_info(env, value, (void **)data, length) == napi_ok;
}

/*
 * hashLeaves(texts: Buffer, ends: Uint32Array, count: number, leaves: Buffer, at: number)
 * Leaf i is SHA-256 of texts[ends[i-1] .. ends[i]) (the first from 0), written to leaves from
 * byte at + 32 i. Called for a few hundred leaves at a time, while their texts are in the cache.
 */
static napi_value HashLeaves(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) return fail(env, "hashLeaves: 5 arguments");
  uint8_t *texts, *leaves;
  size_t textsLength, leavesLength;
  if (!buffer(env, argv[0], &texts, &textsLength)) return fail(env, "hashLeaves: texts must be a Buffer");
  napi_typedarray_type type;
  size_t endsLength;
  void *endsData;
  if (napi_get_typedarray_info(env, argv[1], &type, &endsLength, &endsData, NULL, NULL) != napi_ok || type != napi_uint32_array) return fail(env, "hashLeaves: ends must be a Uint32Array");
  uint32_t count, at;
  if (napi_get_value_uint32(env, argv[2], &count) != napi_ok || count > endsLength) return fail(env, "hashLeaves: count exceeds ends");
  if (!buffer(env, argv[3], &leaves, &leavesLength)) return fail(env, "hashLeaves: leaves must be a Buffer");
  if (napi_get_value_uint32(env, argv[4], &at) != napi_ok || (size_t)at + (size_t)count * LEAF_BYTES > leavesLength) return fail(env, "hashLeaves: leaves too small");
  const uint32_t *ends = endsData;
  for (uint32_t i = 0, start = 0; i < count; start = ends[i++])
    if (ends[i] < start || ends[i] > textsLength) return fail(env, "hashLeaves: ends out of order or past the texts");

  SHA256_CTX one;
  for (uint32_t i = 0, start = 0; i < count; start = ends[i++]) {
    SHA256_Init(&one);
    SHA256_Update(&one, texts + start, ends[i] - start);
    SHA256_Final(leaves + at + (size_t)i * LEAF_BYTES, &one);
  }
  return NULL;
}

/*
 * chainOf(header: Buffer, leaves: Buffer, count: number, out: Buffer)
 * Writes the first TAG_BYTES of each of the count leaves to out (count * TAG_BYTES bytes), then the
 * 32 bytes of SHA-256(header, then each leaf in lower-case hex).
 */
static napi_value ChainOf(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4) return fail(env, "chainOf: 4 arguments");
  uint8_t *header, *leaves, *out;
  size_t headerLength, leavesLength, outLength;
  uint32_t count;
  if (!buffer(env, argv[0], &header, &headerLength)) return fail(env, "chainOf: header must be a Buffer");
  if (!buffer(env, argv[1], &leaves, &leavesLength)) return fail(env, "chainOf: leaves must be a Buffer");
  if (napi_get_value_uint32(env, argv[2], &count) != napi_ok || (size_t)count * LEAF_BYTES > leavesLength) return fail(env, "chainOf: count exceeds the leaves");
  if (!buffer(env, argv[3], &out, &outLength) || outLength < (size_t)count * TAG_BYTES + SHA256_DIGEST_LENGTH) return fail(env, "chainOf: out too small");

  SHA256_CTX batch;
  SHA256_Init(&batch);
  SHA256_Update(&batch, header, headerLength);
  char hex[LEAF_BYTES * 2];
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *leaf = leaves + (size_t)i * LEAF_BYTES;
    for (int b = 0; b < TAG_BYTES; b++) out[(size_t)i * TAG_BYTES + b] = leaf[b];
    for (int b = 0; b < LEAF_BYTES; b++) {
      hex[2 * b] = HEX[leaf[b] >> 4];
      hex[2 * b + 1] = HEX[leaf[b] & 15];
    }
    SHA256_Update(&batch, hex, sizeof hex);
  }
  SHA256_Final(out + (size_t)count * TAG_BYTES, &batch);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
    {"hashLeaves", NULL, HashLeaves, NULL, NULL, NULL, napi_enumerable, NULL},
    {"chainOf", NULL, ChainOf, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, 2, functions) != napi_ok) return NULL;
  return exports;
}
