/*
 * sagebox LLM runtime: native kernels (N-API, C99).
 *
 * sgemm goes to OpenBLAS (cblas_sgemm); the fused kernels below are plain C loops that the
 * compiler vectorises. Every kernel has a pure-TypeScript twin in src/llm/tensor/kernels-js.ts
 * with the same semantics (same argument order, same accumulate-into-output convention), so
 * the addon is an optional accelerator and never changes results beyond float rounding.
 *
 * Convention: backward kernels ADD into their gradient outputs (autograd accumulates).
 */
#include <node_api.h>
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char *openblas_get_corename(void);

#define MAXARGS 24

/* expf, vectorisable (Cephes polynomial, ~1 ulp on the range softmax uses; 0 below -87.3).
 * No floorf/unions: GCC 12 does not vectorise those; rounding uses the 1.5*2^23 trick. */
static inline float sb_expf(float x) {
  float keep = x > -87.3f ? 1.f : 0.f;
  x = x < -87.3f ? -87.3f : x;
  x = x > 88.7f ? 88.7f : x;
  float n = (x * 1.44269504088896341f + 12582912.f) - 12582912.f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  float y = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float s;
  memcpy(&s, &bits, 4);
  return y * s * keep;
}

typedef struct {
  napi_env env;
  size_t argc;
  napi_value argv[MAXARGS];
  int failed;
} Args;

static void load_args(napi_env env, napi_callback_info info, Args *a) {
  a->env = env;
  a->argc = MAXARGS;
  a->failed = 0;
  napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL);
}

static float *f32(Args *a, size_t i) {
  if (i >= a->argc) { a->failed = 1; return NULL; }
  napi_valuetype t;
  napi_typeof(a->env, a->argv[i], &t);
  if (t == napi_null || t == napi_undefined) return NULL;
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(a->env, a->argv[i], &type, &len, &data, &ab, &off) != napi_ok ||
      type != napi_float32_array) {
    a->failed = 1;
    napi_throw_type_error(a->env, NULL, "expected Float32Array");
    return NULL;
  }
  return (float *)data;
}

static int32_t *i32(Args *a, size_t i) {
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_value ab;
  size_t off;
  if (i >= a->argc || napi_get_typedarray_info(a->env, a->argv[i], &type, &len, &data, &ab, &off) != napi_ok ||
      type != napi_int32_array) {
    a->failed = 1;
    napi_throw_type_error(a->env, NULL, "expected Int32Array");
    return NULL;
  }
  return (int32_t *)data;
}

static double num(Args *a, size_t i) {
  double v = 0;
  if (i >= a->argc || napi_get_value_double(a->env, a->argv[i], &v) != napi_ok) a->failed = 1;
  return v;
}
static long inum(Args *a, size_t i) { return (long)num(a, i); }

static napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}
static napi_value mknum(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

/* sgemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) */
static napi_value js_sgemm(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  int ta = (int)inum(&a, 0), tb = (int)inum(&a, 1);
  int M = (int)inum(&a, 2), N = (int)inum(&a, 3), K = (int)inum(&a, 4);
  float alpha = (float)num(&a, 5);
  float *A = f32(&a, 6);
  long aoff = inum(&a, 7);
  int lda = (int)inum(&a, 8);
  float *B = f32(&a, 9);
  long boff = inum(&a, 10);
  int ldb = (int)inum(&a, 11);
  float beta = (float)num(&a, 12);
  float *C = f32(&a, 13);
  long coff = inum(&a, 14);
  int ldc = (int)inum(&a, 15);
  if (a.failed || !A || !B || !C) return undef(env);
  if (M == 0 || N == 0) return undef(env);
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, alpha,
              A + aoff, lda, B + boff, ldb, beta, C + coff, ldc);
  return undef(env);
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  int n = (int)inum(&a, 0);
  if (n > 0) openblas_set_num_threads(n);
  return undef(env);
}

static napi_value js_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o, s, n;
  napi_create_object(env, &o);
  const char *core = openblas_get_corename();
  napi_create_string_utf8(env, core ? core : "unknown", NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, o, "coreType", s);
  napi_create_int32(env, openblas_get_num_threads(), &n);
  napi_set_named_property(env, o, "threads", n);
  return o;
}

/* rmsnormFwd(x, w|null, out, rstd, rows, dim, eps) */
static napi_value js_rmsnorm_fwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *x = f32(&a, 0), *w = f32(&a, 1), *out = f32(&a, 2), *rstd = f32(&a, 3);
  long rows = inum(&a, 4), dim = inum(&a, 5);
  float eps = (float)num(&a, 6);
  if (a.failed) return undef(env);
  for (long r = 0; r < rows; r++) {
    const float *xr = x + r * dim;
    float *o = out + r * dim;
    float ss = 0.f;
#pragma omp simd reduction(+ : ss)
    for (long i = 0; i < dim; i++) ss += xr[i] * xr[i];
    float rs = 1.0f / sqrtf(ss / (float)dim + eps);
    if (rstd) rstd[r] = rs;
    if (w)
      for (long i = 0; i < dim; i++) o[i] = xr[i] * rs * w[i];
    else
      for (long i = 0; i < dim; i++) o[i] = xr[i] * rs;
  }
  return undef(env);
}

/* rmsnormBwd(dy, x, w|null, rstd, dx|null, dw|null, rows, dim)  (accumulates) */
static napi_value js_rmsnorm_bwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *dy = f32(&a, 0), *x = f32(&a, 1), *w = f32(&a, 2), *rstd = f32(&a, 3), *dx = f32(&a, 4), *dw = f32(&a, 5);
  long rows = inum(&a, 6), dim = inum(&a, 7);
  if (a.failed) return undef(env);
  for (long r = 0; r < rows; r++) {
    const float *dyr = dy + r * dim, *xr = x + r * dim;
    float rs = rstd[r];
    if (dw)
      for (long i = 0; i < dim; i++) dw[i] += dyr[i] * xr[i] * rs;
    if (dx) {
      float dot = 0.f;
      if (w)
        for (long i = 0; i < dim; i++) dot += dyr[i] * w[i] * xr[i];
      else
        for (long i = 0; i < dim; i++) dot += dyr[i] * xr[i];
      float c = dot * rs * rs * rs / (float)dim;
      float *dxr = dx + r * dim;
      if (w)
        for (long i = 0; i < dim; i++) dxr[i] += dyr[i] * w[i] * rs - xr[i] * c;
      else
        for (long i = 0; i < dim; i++) dxr[i] += dyr[i] * rs - xr[i] * c;
    }
  }
  return undef(env);
}

/* rope(x, out, cos, sin, B, T, heads, headDim, posOffset, inverse, accumulate)
 * x/out: [B, T, heads*headDim]; cos/sin: [maxPos, headDim/2]. Half-split (HF Llama). */
static napi_value js_rope(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *x = f32(&a, 0), *out = f32(&a, 1), *cs = f32(&a, 2), *sn = f32(&a, 3);
  long B = inum(&a, 4), T = inum(&a, 5), H = inum(&a, 6), HD = inum(&a, 7), off = inum(&a, 8);
  int inv = (int)inum(&a, 9), acc = (int)inum(&a, 10);
  if (a.failed) return undef(env);
  long half = HD / 2;
  for (long b = 0; b < B; b++)
    for (long t = 0; t < T; t++) {
      const float *c = cs + (t + off) * half, *s = sn + (t + off) * half;
      for (long h = 0; h < H; h++) {
        long base = ((b * T + t) * H + h) * HD;
        const float *xr = x + base;
        float *o = out + base;
        for (long i = 0; i < half; i++) {
          float x1 = xr[i], x2 = xr[i + half];
          float si = inv ? -s[i] : s[i];
          float y1 = x1 * c[i] - x2 * si, y2 = x1 * si + x2 * c[i];
          if (acc) {
            o[i] += y1;
            o[i + half] += y2;
          } else {
            o[i] = y1;
            o[i + half] = y2;
          }
        }
      }
    }
  return undef(env);
}

/* attnFwd(q, k, v, out, P|null, B, Tq, Tk, H, KVH, HD, qPos0, kvBatchRows, scale)
 * q,out: [B, Tq, H*HD]; k,v: [B, kvBatchRows, KVH*HD] (first Tk rows used);
 * query i has absolute position qPos0+i and sees keys j <= qPos0+i.
 * P (optional, for backward): [B, H, Tq, Tk] softmax probabilities. */
static napi_value js_attn_fwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *q = f32(&a, 0), *k = f32(&a, 1), *v = f32(&a, 2), *out = f32(&a, 3), *P = f32(&a, 4);
  long B = inum(&a, 5), Tq = inum(&a, 6), Tk = inum(&a, 7), H = inum(&a, 8), KVH = inum(&a, 9), HD = inum(&a, 10);
  long q0 = inum(&a, 11), kvRows = inum(&a, 12);
  float scale = (float)num(&a, 13);
  if (a.failed) return undef(env);
  long D = H * HD, KD = KVH * HD, grp = H / KVH;
  float *tmp = P ? NULL : (float *)malloc(sizeof(float) * Tq * Tk);
  for (long b = 0; b < B; b++)
    for (long h = 0; h < H; h++) {
      long kh = h / grp;
      const float *qb = q + b * Tq * D + h * HD;
      const float *kb = k + b * kvRows * KD + kh * HD;
      const float *vb = v + b * kvRows * KD + kh * HD;
      float *S = P ? P + (b * H + h) * Tq * Tk : tmp;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Tq, Tk, HD, scale, qb, D, kb, KD, 0.f, S, Tk);
      for (long i = 0; i < Tq; i++) {
        float *row = S + i * Tk;
        long lim = q0 + i + 1;
        if (lim > Tk) lim = Tk;
        float mx = -INFINITY;
#pragma omp simd reduction(max : mx)
        for (long j = 0; j < lim; j++) mx = row[j] > mx ? row[j] : mx;
        float sum = 0.f;
#pragma omp simd reduction(+ : sum)
        for (long j = 0; j < lim; j++) {
          float e = sb_expf(row[j] - mx);
          row[j] = e;
          sum += e;
        }
        float is = 1.f / sum;
        for (long j = 0; j < lim; j++) row[j] *= is;
        for (long j = lim; j < Tk; j++) row[j] = 0.f;
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Tq, HD, Tk, 1.f, S, Tk, vb, KD, 0.f,
                  out + b * Tq * D + h * HD, D);
    }
  free(tmp);
  return undef(env);
}

/* attnBwd(dout, q, k, v, P, dq, dk, dv, B, T, H, KVH, HD, scale)  training case: Tq = Tk = T, q0 = 0.
 * Accumulates into dq, dk, dv (any may be null). */
static napi_value js_attn_bwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *dout = f32(&a, 0), *q = f32(&a, 1), *k = f32(&a, 2), *v = f32(&a, 3), *P = f32(&a, 4);
  float *dq = f32(&a, 5), *dk = f32(&a, 6), *dv = f32(&a, 7);
  long B = inum(&a, 8), T = inum(&a, 9), H = inum(&a, 10), KVH = inum(&a, 11), HD = inum(&a, 12);
  float scale = (float)num(&a, 13);
  if (a.failed) return undef(env);
  long D = H * HD, KD = KVH * HD, grp = H / KVH;
  float *dS = (float *)malloc(sizeof(float) * T * T);
  for (long b = 0; b < B; b++)
    for (long h = 0; h < H; h++) {
      long kh = h / grp;
      const float *Pb = P + (b * H + h) * T * T;
      const float *dob = dout + b * T * D + h * HD;
      const float *qb = q + b * T * D + h * HD;
      const float *kb = k + b * T * KD + kh * HD;
      const float *vb = v + b * T * KD + kh * HD;
      /* dV += P^T dO */
      if (dv)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HD, T, 1.f, Pb, T, dob, D, 1.f, dv + b * T * KD + kh * HD, KD);
      /* dP = dO V^T */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, HD, 1.f, dob, D, vb, KD, 0.f, dS, T);
      for (long i = 0; i < T; i++) {
        float *r = dS + i * T;
        const float *p = Pb + i * T;
        float dot = 0.f;
#pragma omp simd reduction(+ : dot)
        for (long j = 0; j <= i; j++) dot += r[j] * p[j];
        for (long j = 0; j <= i; j++) r[j] = p[j] * (r[j] - dot) * scale;
        for (long j = i + 1; j < T; j++) r[j] = 0.f;
      }
      if (dq)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, HD, T, 1.f, dS, T, kb, KD, 1.f, dq + b * T * D + h * HD, D);
      if (dk)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HD, T, 1.f, dS, T, qb, D, 1.f, dk + b * T * KD + kh * HD, KD);
    }
  free(dS);
  return undef(env);
}

static void swiglu_fwd_k(const float *restrict g, const float *restrict u, float *restrict out, long n) {
#pragma omp simd
  for (long i = 0; i < n; i++) {
    float x = g[i];
    out[i] = x / (1.f + sb_expf(-x)) * u[i];
  }
}
static void swiglu_bwd_du(const float *restrict dy, const float *restrict g, float *restrict du, long n) {
#pragma omp simd
  for (long i = 0; i < n; i++) {
    float x = g[i];
    du[i] += dy[i] * x / (1.f + sb_expf(-x));
  }
}
static void swiglu_bwd_dg(const float *restrict dy, const float *restrict g, const float *restrict u, float *restrict dg, long n) {
#pragma omp simd
  for (long i = 0; i < n; i++) {
    float x = g[i];
    float s = 1.f / (1.f + sb_expf(-x));
    dg[i] += dy[i] * u[i] * s * (1.f + x * (1.f - s));
  }
}

/* swigluFwd(g, u, out, n): out = silu(g) * u */
static napi_value js_swiglu_fwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *g = f32(&a, 0), *u = f32(&a, 1), *out = f32(&a, 2);
  long n = inum(&a, 3);
  if (a.failed) return undef(env);
  swiglu_fwd_k(g, u, out, n);
  return undef(env);
}

/* swigluBwd(dy, g, u, dg|null, du|null, n) (accumulates) */
static napi_value js_swiglu_bwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *dy = f32(&a, 0), *g = f32(&a, 1), *u = f32(&a, 2), *dg = f32(&a, 3), *du = f32(&a, 4);
  long n = inum(&a, 5);
  if (a.failed) return undef(env);
  if (du) swiglu_bwd_du(dy, g, du, n);
  if (dg) swiglu_bwd_dg(dy, g, u, dg, n);
  return undef(env);
}

/* crossEntropyFwd(logits, targets(Int32), probs, logp|null, N, V, ignoreIndex) -> [lossSum, count]
 * probs receives softmax rows (may alias logits); logp[i] = log p(target_i) (0 where ignored). */
static napi_value js_ce_fwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *logits = f32(&a, 0);
  int32_t *tg = i32(&a, 1);
  float *probs = f32(&a, 2), *logp = f32(&a, 3);
  long N = inum(&a, 4), V = inum(&a, 5), ign = inum(&a, 6);
  if (a.failed) return undef(env);
  double loss = 0;
  long count = 0;
  for (long r = 0; r < N; r++) {
    const float *l = logits + r * V;
    float *p = probs + r * V;
    float mx = -INFINITY;
#pragma omp simd reduction(max : mx)
    for (long j = 0; j < V; j++) mx = l[j] > mx ? l[j] : mx;
    float t = tg[r] >= 0 && tg[r] < V ? l[tg[r]] : 0.f;
    float sum = 0.f;
#pragma omp simd reduction(+ : sum)
    for (long j = 0; j < V; j++) {
      float e = sb_expf(l[j] - mx);
      p[j] = e;
      sum += e;
    }
    float is = 1.f / sum;
    for (long j = 0; j < V; j++) p[j] *= is;
    float lse = mx + logf(sum);
    if (tg[r] == ign || tg[r] < 0 || tg[r] >= V) {
      if (logp) logp[r] = 0.f;
      continue;
    }
    float lp = t - lse;
    if (logp) logp[r] = lp;
    loss -= lp;
    count++;
  }
  napi_value arr;
  napi_create_array_with_length(env, 2, &arr);
  napi_set_element(env, arr, 0, mknum(env, loss));
  napi_set_element(env, arr, 1, mknum(env, (double)count));
  return arr;
}

/* crossEntropyBwd(probs, targets, rowScale(Float32 per row), dlogits, N, V, ignoreIndex)
 * dlogits[r] += rowScale[r] * (probs[r] - onehot(target_r)), rows with ignored targets skipped.
 * (The gradient of -log p(target) is probs - onehot; rowScale carries upstream grads.) */
static napi_value js_ce_bwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *probs = f32(&a, 0);
  int32_t *tg = i32(&a, 1);
  float *rs = f32(&a, 2), *dl = f32(&a, 3);
  long N = inum(&a, 4), V = inum(&a, 5), ign = inum(&a, 6);
  if (a.failed) return undef(env);
  int inplace = probs == dl;
  for (long r = 0; r < N; r++) {
    int skip = tg[r] == ign || tg[r] < 0 || tg[r] >= V;
    float s = skip ? 0.f : rs[r];
    if (inplace) { /* dlogits aliases probs: write mode */
      float *d = dl + r * V;
      for (long j = 0; j < V; j++) d[j] *= s;
      if (!skip) d[tg[r]] -= s;
      continue;
    }
    if (s == 0.f) continue;
    const float *p = probs + r * V;
    float *d = dl + r * V;
    for (long j = 0; j < V; j++) d[j] += s * p[j];
    d[tg[r]] -= s;
  }
  return undef(env);
}

/* adamw(p, g, m, v, n, lr, b1, b2, eps, wd, bc1, bc2)  (bc = 1 - beta^t) */
static napi_value js_adamw(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *p = f32(&a, 0), *g = f32(&a, 1), *m = f32(&a, 2), *v = f32(&a, 3);
  long n = inum(&a, 4);
  float lr = (float)num(&a, 5), b1 = (float)num(&a, 6), b2 = (float)num(&a, 7), eps = (float)num(&a, 8),
        wd = (float)num(&a, 9), bc1 = (float)num(&a, 10), bc2 = (float)num(&a, 11);
  if (a.failed) return undef(env);
  float sb2 = sqrtf(bc2);
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    p[i] -= lr * wd * p[i];
    m[i] = b1 * m[i] + (1.f - b1) * gi;
    v[i] = b2 * v[i] + (1.f - b2) * gi * gi;
    float mh = m[i] / bc1;
    float den = sqrtf(v[i]) / sb2 + eps;
    p[i] -= lr * mh / den;
  }
  return undef(env);
}

/* axpy(n, alpha, x, xOff, y, yOff): y += alpha * x */
static napi_value js_axpy(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  long n = inum(&a, 0);
  float alpha = (float)num(&a, 1);
  float *x = f32(&a, 2);
  long xo = inum(&a, 3);
  float *y = f32(&a, 4);
  long yo = inum(&a, 5);
  if (a.failed) return undef(env);
  for (long i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
  return undef(env);
}

/* addInto(out, a, b, n): out = a + b */
static napi_value js_add(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *o = f32(&a, 0), *x = f32(&a, 1), *y = f32(&a, 2);
  long n = inum(&a, 3);
  if (a.failed) return undef(env);
  for (long i = 0; i < n; i++) o[i] = x[i] + y[i];
  return undef(env);
}

/* embedding fwd: out[r] = table[ids[r]]; bwd: dtable[ids[r]] += dy[r] */
static napi_value js_embed_fwd(napi_env env, napi_callback_info info) {
  Args a;
  load_args(env, info, &a);
  float *tab = f32(&a, 0);
  int32_t *ids = i32(&a, 1);
  float *out = f32(&a, 2);
  long N = inum(&a, 3), D = inum(&a, 4);
  if (a.failed) return undef(env);
  for (long r = 0; r < N; r++) memcpy(out + r * D, tab + (long)ids[r] * D, sizeof(float) * D);
  return undef(env);
}

#define DECL(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default, NULL}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      DECL("sgemm", js_sgemm),
      DECL("setThreads", js_set_threads),
      DECL("info", js_info),
      DECL("rmsnormFwd", js_rmsnorm_fwd),
      DECL("rmsnormBwd", js_rmsnorm_bwd),
      DECL("rope", js_rope),
      DECL("attnFwd", js_attn_fwd),
      DECL("attnBwd", js_attn_bwd),
      DECL("swigluFwd", js_swiglu_fwd),
      DECL("swigluBwd", js_swiglu_bwd),
      DECL("crossEntropyFwd", js_ce_fwd),
      DECL("crossEntropyBwd", js_ce_bwd),
      DECL("adamw", js_adamw),
      DECL("axpy", js_axpy),
      DECL("add", js_add),
      DECL("embedFwd", js_embed_fwd),
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
