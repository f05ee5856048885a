/**
 * The built-in user group permissions (spec §9.1): the same rules as bluesky-queueserver's
 * simulated profile, applied when neither `--user-group-permissions` nor a startup directory's
 * `user_group_permissions.yaml` gives others. They are code, like the built-in profile they go
 * with, so that a queue server started on its defaults never loads a YAML parser (about 2 MB).
 *
 * Patterns: a plain name matches exactly; ':<regex>' is a Python regex (re.search); device patterns
 * have one ':'-separated regex per tree level, '?' marks a regex over the whole remaining dotted name
 * (optionally limited by ':depth=N'). A null first element means "everything" in allowed_* lists
 * and "nothing" in forbidden_* lists.
 */
export const BUILT_IN_PERMISSIONS = {
  user_groups: {
    // Applied first, to every group: names starting with '_' are never offered.
    root: {
      allowed_plans: [null],
      forbidden_plans: [':^_'],
      allowed_devices: [null],
      forbidden_devices: [':^_:?.*'],
      allowed_functions: [null],
      forbidden_functions: [':^_'],
    },
    // The default group of the HTTP server and of the API client.
    primary: {
      allowed_plans: [':.*'],
      forbidden_plans: [null],
      allowed_devices: [':?.*:depth=5'], // every device and subdevice, five levels deep
      forbidden_devices: [null],
      allowed_functions: ['function_sleep', ':^func_for_test'],
    },
    // A restricted group the tests use.
    test_user: {
      allowed_plans: [':^count', ':scan$'],
      forbidden_plans: [':^adaptive_scan$', ':^inner_product'],
      allowed_devices: [':^det:?.*', ':^motor:?.*', ':^sim_bundle_A:?.*'],
      forbidden_devices: [':^det[3-5]$:?.*', ':^motor\\d+$:?.*'],
      allowed_functions: [':element$', ':elements$', 'function_sleep', 'clear_buffer', ':^unit_test.*$'],
      forbidden_functions: [':^_'],
    },
  },
};
