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
#include <string.h>

#define TAG_BYTES 8
#define SALT_BYTES 16
#define LEAF_BYTES SHA256_DIGEST_LENGTH

/* Each byte's two hex digits, and each number below 100's two decimal digits: a lookup a pair. */
static const char HEX2[] =
  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
  "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
  "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char DEC2[] =
  "0001020304050607080910111213141516171819202122232425262728293031"
  "3233343536373839404142434445464748495051525354555657585960616263"
  "6465666768697071727374757677787980818283848586878889909192939495"
  "96979899";

/* The lower-case hex of n bytes at p. */
static void put_hex(char *p, const uint8_t *bytes, size_t n) {
  for (size_t i = 0; i < n; i++) memcpy(p + 2 * i, HEX2 + 2 * bytes[i], 2);
}

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
  size_t at = sizeof digits;
  for (; v >= 100; v /= 100) memcpy(digits + (at -= 2), DEC2 + 2 * (v % 100), 2);
  if (v >= 10) memcpy(digits + (at -= 2), DEC2 + 2 * v, 2);
  else digits[--at] = (char)('0' + v);
  memcpy(p, digits + at, sizeof digits - at);
  return sizeof digits - at;
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

/* Texts of one event in its submission (store/packed.ts): source_ip, system name, hostname, program, message. */
#define TEXTS 5
enum { SOURCE_IP, SYSTEM_NAME, HOSTNAME, PROGRAM, MESSAGE };

/* UTF-16 units of the UTF-8 character whose first byte is b, and its bytes. */
static int char_units(uint8_t b, size_t *bytes) {
  *bytes = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  return *bytes == 4 ? 2 : 1;
}

/*
 * textStarts(text: Buffer, units: Uint32Array, starts: Uint32Array): boolean
 * text is units.length texts one after the other, as UTF-8, text i units[i] UTF-16 units long;
 * starts (at least units.length + 1 entries) gets the byte where each starts, then where the last
 * ends.
 * False when the texts do not divide so: a character made of two surrogates that two texts had
 * each half of (then the caller encodes the texts apart).
 */
static napi_value TextStarts(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return fail(env, "textStarts: 3 arguments");
  uint8_t *text;
  size_t textLength, count, startsLength;
  void *unitsData, *startsData;
  napi_typedarray_type type;
  if (!buffer(env, argv[0], &text, &textLength)) return fail(env, "textStarts: text must be a Buffer");
  if (napi_get_typedarray_info(env, argv[1], &type, &count, &unitsData, NULL, NULL) != napi_ok || type != napi_uint32_array) return fail(env, "textStarts: units must be a Uint32Array");
  if (napi_get_typedarray_info(env, argv[2], &type, &startsLength, &startsData, NULL, NULL) != napi_ok || type != napi_uint32_array || startsLength < count + 1) return fail(env, "textStarts: starts must be a Uint32Array of at least units.length + 1");
  if (textLength > UINT32_MAX) return fail(env, "textStarts: text past 4 GB");
  const uint32_t *units = unitsData;
  uint32_t *starts = startsData;
  uint64_t allUnits = 0;
  for (size_t i = 0; i < count; i++) allUnits += units[i];
  int divides = 1;
  if (allUnits == textLength) {
    /* ASCII: a byte a unit (any other character takes more bytes than units). */
    uint32_t at = 0;
    for (size_t i = 0; i < count; i++) starts[i] = at, at += units[i];
    starts[count] = at;
  } else {
    size_t at = 0;
    for (size_t i = 0; i < count && divides; i++) {
      starts[i] = (uint32_t)at;
      uint32_t u = 0;
      while (u < units[i] && at < textLength) {
        size_t bytes;
        u += char_units(text[at], &bytes);
        at += bytes;
      }
      divides = u == units[i] && at <= textLength;
    }
    starts[count] = (uint32_t)at;
    divides = divides && at == textLength;
  }
  napi_value result;
  napi_get_boolean(env, divides, &result);
  return result;
}

/* A leaf's SHA-256 fed in pieces gathered in a buffer: one SHA256_Update call for most leaves. */
typedef struct {
  SHA256_CTX sha;
  size_t n;
  uint8_t buf[2048];
} Leaf;

static void leaf_put(Leaf *l, const void *data, size_t length) {
  if (l->n + length > sizeof l->buf) {
    SHA256_Update(&l->sha, l->buf, l->n);
    l->n = 0;
  }
  if (length >= sizeof l->buf) SHA256_Update(&l->sha, data, length);
  else memcpy(l->buf + l->n, data, length), l->n += length;
}

/* `<units>:<text>` (leafText()'s text(): a string, its length in UTF-16 units). */
static void leaf_text(Leaf *l, uint32_t units, const uint8_t *text, size_t bytes) {
  char length[12];
  size_t n = put_u64(length, units);
  length[n++] = ':';
  leaf_put(l, length, n);
  leaf_put(l, text, bytes);
}

/* Numbers of each leaf in hashEvents' nums (NATIVE_NUMS in integrity/native.ts). */
enum { ID, SYSTEM_ID, GENERATED_MS, PRI, FLAGS, EVENT, HAS_HOSTNAME, EXTRA_END, EXTRA_UNITS, NUMS };

/*
 * hashEvents(text: Buffer, starts: Uint32Array, units: Uint32Array, nums: Float64Array,
 *            extras: Buffer, salts: Buffer, count: number, first: number, leaves: Buffer)
 * Leaf i of this call is event first + i of its batch: SHA-256 of leafText() (integrity/hash.ts).
 * Its NUMS numbers in nums: id, system_id, generated_ms (NaN: NULL), pri, flags; the event's
 * index in its submission, whose texts are text from starts[5 * event] on (textStarts()) and
 * units[5 * event …] UTF-16 units long; 1 if its hostname is stored (0: NULL); where its extra ends
 * in extras (NaN: NULL; it starts where the call's previous extra ended) and its UTF-16 units. The
 * head's salt is the event's 16 bytes of salts (from byte 16 first). Written to leaves from byte
 * 32 first.
 */
static napi_value HashEvents(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 9) return fail(env, "hashEvents: 9 arguments");
  uint8_t *text, *extras, *salts, *leaves;
  size_t textLength, extrasLength, saltsLength, leavesLength, startsLength, unitsLength, numsLength;
  void *startsData, *unitsData, *numsData;
  napi_typedarray_type type;
  if (!buffer(env, argv[0], &text, &textLength)) return fail(env, "hashEvents: text must be a Buffer");
  if (napi_get_typedarray_info(env, argv[1], &type, &startsLength, &startsData, NULL, NULL) != napi_ok || type != napi_uint32_array) return fail(env, "hashEvents: starts must be a Uint32Array");
  if (napi_get_typedarray_info(env, argv[2], &type, &unitsLength, &unitsData, NULL, NULL) != napi_ok || type != napi_uint32_array) return fail(env, "hashEvents: units must be a Uint32Array");
  if (napi_get_typedarray_info(env, argv[3], &type, &numsLength, &numsData, NULL, NULL) != napi_ok || type != napi_float64_array) return fail(env, "hashEvents: nums must be a Float64Array");
  if (!buffer(env, argv[4], &extras, &extrasLength)) return fail(env, "hashEvents: extras must be a Buffer");
  if (!buffer(env, argv[5], &salts, &saltsLength)) return fail(env, "hashEvents: salts must be a Buffer");
  uint32_t count, first;
  if (napi_get_value_uint32(env, argv[6], &count) != napi_ok || (size_t)count * NUMS > numsLength) return fail(env, "hashEvents: count exceeds nums");
  if (napi_get_value_uint32(env, argv[7], &first) != napi_ok || ((size_t)first + count) * SALT_BYTES > saltsLength) return fail(env, "hashEvents: salts too small");
  if (!buffer(env, argv[8], &leaves, &leavesLength) || ((size_t)first + count) * LEAF_BYTES > leavesLength) return fail(env, "hashEvents: leaves too small");
  const uint32_t *starts = startsData, *units = unitsData;
  const double *nums = numsData;
  /* Everything checked before anything is read through it. */
  double extraAt = 0;
  for (uint32_t i = 0; i < count; i++) {
    const double *n = nums + (size_t)i * NUMS;
    if (!whole(n[ID]) || !whole(n[SYSTEM_ID]) || !whole(n[PRI]) || !whole(n[FLAGS]) || !(isnan(n[GENERATED_MS]) || fabs(n[GENERATED_MS]) < 9007199254740992.0)) return fail(env, "hashEvents: a number that is not a whole number below 2^53");
    if (!whole(n[EVENT]) || n[EVENT] < 0 || (n[EVENT] + 1) * TEXTS >= startsLength || (n[EVENT] + 1) * TEXTS > unitsLength) return fail(env, "hashEvents: an event past starts or units");
    const uint32_t *s = starts + (size_t)n[EVENT] * TEXTS;
    for (int k = 0; k < TEXTS; k++)
      if (s[k] > s[k + 1] || s[k + 1] > textLength) return fail(env, "hashEvents: starts out of order or past the text");
    if (!isnan(n[EXTRA_END])) {
      if (!whole(n[EXTRA_END]) || n[EXTRA_END] < extraAt || n[EXTRA_END] > (double)extrasLength || !whole(n[EXTRA_UNITS]) || n[EXTRA_UNITS] < 0 || n[EXTRA_UNITS] > UINT32_MAX) return fail(env, "hashEvents: an extra out of order or past extras");
      extraAt = n[EXTRA_END];
    }
  }

  Leaf leaf;
  char head[2 * SALT_BYTES + 5 * 24]; /* the salt in hex, then five numbers of at most 23 characters and their separators */
  size_t extraStart = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *salt = salts + ((size_t)first + i) * SALT_BYTES;
    const double *n = nums + (size_t)i * NUMS;
    put_hex(head, salt, SALT_BYTES);
    size_t at = 2 * SALT_BYTES;
    head[at++] = '|';
    at += put_int(head + at, n[ID]);
    head[at++] = '|';
    at += put_i64(head + at, (int64_t)n[SYSTEM_ID]);
    head[at++] = '|';
    if (isnan(n[GENERATED_MS])) head[at++] = '-';
    else at += put_int(head + at, n[GENERATED_MS]);
    head[at++] = '|';
    at += put_i64(head + at, (int64_t)n[PRI]);
    head[at++] = '|';
    at += put_i64(head + at, (int64_t)n[FLAGS]);
    head[at++] = '|';
    SHA256_Init(&leaf.sha);
    leaf.n = 0;
    leaf_put(&leaf, head, at);
    const size_t e = (size_t)n[EVENT] * TEXTS;
#define TEXT(k) units[e + (k)], text + starts[e + (k)], starts[e + (k) + 1] - starts[e + (k)]
    leaf_text(&leaf, TEXT(SOURCE_IP));
    if (n[HAS_HOSTNAME] != 0) leaf_text(&leaf, TEXT(HOSTNAME));
    else leaf_put(&leaf, "-", 1);
    leaf_text(&leaf, TEXT(PROGRAM));
    leaf_text(&leaf, TEXT(MESSAGE));
#undef TEXT
    if (isnan(n[EXTRA_END])) leaf_put(&leaf, "-", 1);
    else {
      leaf_text(&leaf, (uint32_t)n[EXTRA_UNITS], extras + extraStart, (size_t)n[EXTRA_END] - extraStart);
      extraStart = (size_t)n[EXTRA_END];
    }
    SHA256_Update(&leaf.sha, leaf.buf, leaf.n);
    SHA256_Final(leaves + ((size_t)first + i) * LEAF_BYTES, &leaf.sha);
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
  /* The leaves in hex, hashed 32 at a time. */
  char hex[32 * LEAF_BYTES * 2];
  size_t inHex = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *leaf = leaves + (size_t)i * LEAF_BYTES;
    memcpy(out + (size_t)i * TAG_BYTES, leaf, TAG_BYTES);
    put_hex(hex + inHex * LEAF_BYTES * 2, leaf, LEAF_BYTES);
    if (++inHex == 32 || i + 1 == count) {
      SHA256_Update(&batch, hex, inHex * LEAF_BYTES * 2);
      inHex = 0;
    }
  }
  SHA256_Final(out + (size_t)count * TAG_BYTES, &batch);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
    {"textStarts", NULL, TextStarts, NULL, NULL, NULL, napi_enumerable, NULL},
    {"hashEvents", NULL, HashEvents, NULL, NULL, NULL, napi_enumerable, NULL},
    {"chainOf", NULL, ChainOf, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, 3, functions) != napi_ok) return NULL;
  return exports;
}
