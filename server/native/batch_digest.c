// The hash chain's per-batch hashing (server/integrity/hash.ts) in native calls: a leaf per event,
// then the batch's tags and its chain hash. Node's crypto.hash costs ~0.45 us a call whatever the
// input, three times SHA-256 of a 260-byte leaf with the CPU's SHA extensions, and there is no Node
// API that hashes many short inputs at once (docs/BENCHMARKS.md, Integrity). The SHA-256 is the one
// Node's own OpenSSL exports; the low-level SHA256_* calls, because the one-shot SHA256() goes
// through OpenSSL 3's algorithm fetch on every call. Same results as the JavaScript path
// (test/unit/store/batch-hasher.test.ts).
#include <node_api.h>
#include <openssl/sha.h>
#include <math.h>
#include <stdint.h>

#define TAG_BYTES 8
#define SALT_BYTES 16
#define LEAF_BYTES SHA256_DIGEST_LENGTH

static const char HEX[] = "0123456789abcdef";

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

static int buffer(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  return napi_get_buffer_info(env, value, (void **)data, length) == napi_ok;
}

/* Decimal digits of v at p; returns their count. */
static size_t put_u64(char *p, uint64_t v) {
  char digits[20];
  size_t n = 0;
  do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  for (size_t i = 0; i < n; i++) p[i] = digits[n - 1 - i];
  return n;
}

static size_t put_i64(char *p, int64_t v) {
  if (v >= 0) return put_u64(p, (uint64_t)v);
  *p = '-';
  return 1 + put_u64(p + 1, (uint64_t)(-(v + 1)) + 1);
}

/* int() of integrity/hash.ts: `${Math.floor(n / 2^32)}.${n >>> 0}`, for any n below 2^63 in size. */
static size_t put_int(char *p, double n) {
  size_t at = put_i64(p, (int64_t)floor(n / 4294967296.0));
  p[at++] = '.';
  return at + put_u64(p + at, (uint32_t)(int64_t)trunc(n)); /* ToUint32: the low 32 bits */
}

static int whole(double n) {
  return n == trunc(n) && fabs(n) < 9007199254740992.0; /* also false for NaN */
}

#define NUMS 5 /* id, system_id, generated_ms (NaN: NULL), pri, flags */

/*
 * hashLeaves(texts: Buffer, ends: Uint32Array, nums: Float64Array, salts: Buffer, count: number,
 *            first: number, leaves: Buffer)
 * Leaf i of this call is event first + i of its batch: SHA-256 of leafText() (integrity/hash.ts),
 * its head `salt|id|system_id|generated_ms|pri|flags|` made here from the event's 16 bytes of salts
 * and its NUMS numbers, its tail (the five texts) the bytes texts[ends[i-1] .. ends[i]) (the first
 * from 0). Written to leaves from byte 32 (first + i). Called for a few hundred leaves at a time,
 * while their texts are in the cache.
 */
static napi_value HashLeaves(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 7) return fail(env, "hashLeaves: 7 arguments");
  uint8_t *texts, *salts, *leaves;
  size_t textsLength, saltsLength, leavesLength;
  if (!buffer(env, argv[0], &texts, &textsLength)) return fail(env, "hashLeaves: texts must be a Buffer");
  napi_typedarray_type type;
  size_t endsLength, numsLength;
  void *endsData, *numsData;
  if (napi_get_typedarray_info(env, argv[1], &type, &endsLength, &endsData, NULL, NULL) != napi_ok || type != napi_uint32_array) return fail(env, "hashLeaves: ends must be a Uint32Array");
  if (napi_get_typedarray_info(env, argv[2], &type, &numsLength, &numsData, NULL, NULL) != napi_ok || type != napi_float64_array) return fail(env, "hashLeaves: nums must be a Float64Array");
  if (!buffer(env, argv[3], &salts, &saltsLength)) return fail(env, "hashLeaves: salts must be a Buffer");
  uint32_t count, first;
  if (napi_get_value_uint32(env, argv[4], &count) != napi_ok || count > endsLength || (size_t)count * NUMS > numsLength) return fail(env, "hashLeaves: count exceeds ends or nums");
  if (napi_get_value_uint32(env, argv[5], &first) != napi_ok || ((size_t)first + count) * SALT_BYTES > saltsLength) return fail(env, "hashLeaves: salts too small");
  if (!buffer(env, argv[6], &leaves, &leavesLength) || ((size_t)first + count) * LEAF_BYTES > leavesLength) return fail(env, "hashLeaves: leaves too small");
  const uint32_t *ends = endsData;
  const double *nums = numsData;
  for (uint32_t i = 0, start = 0; i < count; start = ends[i++]) {
    if (ends[i] < start || ends[i] > textsLength) return fail(env, "hashLeaves: ends out of order or past the texts");
    const double *n = nums + (size_t)i * NUMS;
    if (!whole(n[0]) || !whole(n[1]) || !whole(n[3]) || !whole(n[4]) || !(isnan(n[2]) || fabs(n[2]) < 9007199254740992.0)) return fail(env, "hashLeaves: a number that is not a whole number below 2^53");
  }

  SHA256_CTX one;
  char head[2 * SALT_BYTES + 5 * 24]; /* the salt in hex, then five numbers of at most 23 characters and their separators */
  for (uint32_t i = 0, start = 0; i < count; start = ends[i++]) {
    const uint8_t *salt = salts + ((size_t)first + i) * SALT_BYTES;
    const double *n = nums + (size_t)i * NUMS;
    size_t at = 0;
    for (int b = 0; b < SALT_BYTES; b++) {
      head[at++] = HEX[salt[b] >> 4];
      head[at++] = HEX[salt[b] & 15];
    }
    head[at++] = '|';
    at += put_int(head + at, n[0]);
    head[at++] = '|';
    at += put_i64(head + at, (int64_t)n[1]);
    head[at++] = '|';
    if (isnan(n[2])) head[at++] = '-';
    else at += put_int(head + at, n[2]);
    head[at++] = '|';
    at += put_i64(head + at, (int64_t)n[3]);
    head[at++] = '|';
    at += put_i64(head + at, (int64_t)n[4]);
    head[at++] = '|';
    SHA256_Init(&one);
    SHA256_Update(&one, head, at);
    SHA256_Update(&one, texts + start, ends[i] - start);
    SHA256_Final(leaves + ((size_t)first + i) * LEAF_BYTES, &one);
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
