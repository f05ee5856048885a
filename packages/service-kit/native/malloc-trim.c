/*
 * glibc's malloc_trim(0) for Node: after start-up a service's malloc arenas hold megabytes of freed
 * memory between live blocks (module sources read, compile caches consumed, start-up parsing), which
 * glibc gives back only at the top of an arena unless asked. malloc_trim returns every free page.
 *
 * A Node-API module (ABI-stable across Node versions). The few Node-API declarations it needs are
 * written out here, so building it takes only a C compiler, not Node's headers.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status; /* napi_ok is 0 */
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);

extern napi_status napi_get_boolean(napi_env env, bool value, napi_value *result);
extern napi_status napi_create_function(napi_env env, const char *name, size_t length, napi_callback cb,
                                        void *data, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *name,
                                           napi_value value);

/* trim(): true when memory was returned to the system. */
static napi_value trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result = NULL;
  napi_get_boolean(env, malloc_trim(0) == 1, &result);
  return result;
}

/* Node looks this symbol up in a module that does not register itself. */
__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value fn = NULL;
  if (napi_create_function(env, "trim", 4, trim, NULL, &fn) == 0) napi_set_named_property(env, exports, "trim", fn);
  return exports;
}

/* The Node-API version this module is written against (8: Node 12.22 and later). */
__attribute__((visibility("default"))) int node_api_module_get_api_version_v1(void) { return 8; }
