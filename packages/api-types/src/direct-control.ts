/* Generated from the service's OpenAPI document by `npx ophyd-service export-openapi`: do not edit. */
export interface paths {
    "/api/v1/device/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run an allowed verb on a registry device (read, set, stop…), through the lock gate */
        post: operations["execute_device_method_api_v1_device_execute_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/{device_name}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a device (as execute with method stop) */
        post: operations["stop_device_api_v1_device__device_name__stop_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/{device_path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a verb on a component (`m1.user_setpoint`); writes are refused in read-only mode */
        post: operations["access_nested_device_api_v1_device__device_path__post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/{device_path}/value": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** read() of a device or component (no lock gate; allowed in read-only mode) */
        get: operations["get_nested_device_value_api_v1_device__device_path__value_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dotted device addresses to PV names through the class catalog, one row per address in order */
        post: operations["resolve_device_paths_api_v1_devices_resolve_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pv/set": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Write one PV through the registry, lock and limit gates */
        post: operations["set_pv_api_v1_pv_set_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pv/set/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ordered writes that stop at the first failure (earlier writes stay) */
        post: operations["set_pv_batch_api_v1_pv_set_batch_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pv/{pv_name}/value": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A fresh read of a registered PV, as JSON or raw little-endian bytes */
        get: operations["get_pv_value_from_controller_api_v1_pv__pv_name__value_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pvs/connected": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** PVs whose shared monitor is connected now */
        get: operations["get_connected_pvs_api_v1_pvs_connected_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pvs/{pv_name}/value": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest value from the shared monitor, with alarm state and metadata */
        get: operations["get_monitored_pv_value_api_v1_pvs__pv_name__value_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The reference's counters (sockets, devices, coordination), with monitors and per-endpoint figures beside them */
        get: operations["get_stats_api_v1_stats_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness, with a check of the service's backing store where it has one */
        get: operations["health_check_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics in the text exposition format */
        get: operations["metrics_metrics_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness to serve traffic */
        get: operations["readiness_check_ready_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The reference's HealthResponse (every field always present), with coordination_enabled beside it */
        HealthResponse: {
            /** @enum {string} */
            status: "healthy" | "unhealthy";
            timestamp: string;
            coordination_service_available: boolean;
            coordination_service_detail: string | null;
            /** @enum {string} */
            registry_backend: "http" | "file";
            coordination_enabled?: boolean;
            read_only: boolean;
            /** @description Socket subscriptions (PVs and device components) */
            active_subscriptions: number;
            /** @description Monitored PVs connected now */
            connected_pvs: number;
            /** @description Open WebSocket connections, all endpoints */
            websocket_connections: number;
        };
        ReadyResponse: {
            /** @enum {string} */
            status: "ready" | "not_ready";
        };
        PVSetRequest: {
            pv_name: string;
            value: unknown;
            /** @default false */
            wait: boolean;
            timeout?: number | null;
            connection_timeout?: number | null;
            /** @default false */
            use_complete: boolean;
            ftype?: number | null;
            check_limits?: boolean | null;
        };
        /** @enum {string} */
        CommandMode: "put-completion" | "fire-and-forget";
        PVSetResponse: {
            pv_name: string;
            success: boolean;
            value_set: unknown;
            timestamp: string;
            coordination_checked: boolean;
            mode: components["schemas"]["CommandMode"];
            message: string | null;
        };
        PVSetBatchRequest: {
            caputs: components["schemas"]["PVSetRequest"][];
        };
        PVSetBatchItemResult: {
            pv_name?: string;
            success?: boolean;
            value_set?: unknown;
            timestamp?: string;
            /** @default false */
            coordination_checked: boolean;
            mode?: components["schemas"]["CommandMode"] | null;
            message?: string | null;
            error_type?: string | null;
            status_code?: number | null;
        };
        PVSetBatchResponse: {
            ok: boolean;
            applied: number;
            requested: number;
            results: components["schemas"]["PVSetBatchItemResult"][];
        };
        PVValue: {
            pv_name: string;
            value: unknown;
            timestamp: string;
            shape: number[];
            dtype: string | null;
            ndim: number;
            nbytes: number;
        };
        DeviceCommandRequest: {
            device_name: string;
            method: string;
            /** @default [] */
            args: unknown[];
            /** @default {} */
            kwargs: Record<string, never>;
            timeout?: number | null;
            /** @default false */
            use_put: boolean;
        };
        DeviceCommandResponse: {
            device_name: string;
            method: string;
            success: boolean;
            result: unknown;
            timestamp: string;
            coordination_checked: boolean;
            message: string | null;
            use_put: boolean;
        };
        NestedDeviceRequest: {
            /** @default read */
            method: string;
            value?: unknown;
            timeout?: number | null;
        };
        NestedDeviceResponse: {
            device_path: string;
            method: string;
            success: boolean;
            result: unknown;
            timestamp: string;
            message: string | null;
        };
        DeviceValue: {
            device_path: string;
            value: unknown;
            timestamp: string;
        };
        DeviceResolveRequest: {
            addresses: string[];
        };
        /** @enum {string} */
        ResolveOutcome: "resolved" | "device_not_found" | "registry_unavailable" | "no_instantiation_spec" | "no_prefix" | "no_such_attr" | "not_a_pv_leaf" | "instantiation_failed";
        DeviceResolveResultItem: {
            address: string;
            outcome: components["schemas"]["ResolveOutcome"];
            pv_name: string | null;
            message: string | null;
            ok: boolean;
        };
        DeviceResolveResponse: {
            resolved: components["schemas"]["DeviceResolveResultItem"][];
        };
        Stats: {
            service: string;
            timestamp: string;
            /** @enum {string} */
            registry_backend: "http" | "file";
            read_only: boolean;
            coordination_enabled: boolean;
            coordination_service_available: boolean;
            coordination_service_detail: string | null;
            command_timeout: number;
            pv_socket: {
                websocket_connections: number;
                total_pvs: number;
                connected_pvs: number;
            };
            device_socket: {
                websocket_connections: number;
                subscribed_devices: number;
                total_device_pvs: number;
            };
            device_control: {
                instantiated_devices: number;
            };
            buffer_size: number;
            max_connections: number;
            /** @description Ours: shared CA monitors and their listeners */
            monitors?: Record<string, never>;
            /** @description Ours: connections by endpoint, refusals, image counters */
            websocket?: Record<string, never>;
        };
        HTTPError: {
            detail: string;
        };
        ValidationError: {
            loc: (string | number)[];
            msg: string;
            type: string;
        };
        HTTPValidationError: {
            detail?: components["schemas"]["ValidationError"][];
        };
        UnprocessableError: {
            detail: string | components["schemas"]["ValidationError"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    execute_device_method_api_v1_device_execute_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceCommandRequest"];
            };
        };
        responses: {
            /** @description Done (or initiated with use_put) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceCommandResponse"];
                };
            };
            /** @description Method not allowed or not supported by the device */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Read-only mode, or the target is read-only */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Device not in the registry */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Device disabled or unavailable */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Invalid body or arguments, a device name no registry could hold, no instantiation spec, or an inactive device */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnprocessableError"];
                };
            };
            /** @description Device locked by a plan */
            423: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Build, connect or verb failure, or a timeout (with what was done to stop it) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Registry or lock authority unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A PV of the device did not connect in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    stop_device_api_v1_device__device_name__stop_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                device_name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stopped */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceCommandResponse"];
                };
            };
            /** @description The device has no stop */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Read-only mode, or the target is read-only */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Device not in the registry */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Device disabled or unavailable */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A device name no registry could hold, no instantiation spec, or an inactive device */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnprocessableError"];
                };
            };
            /** @description Device locked by a plan */
            423: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Stop failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Registry unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A PV of the device did not connect in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    access_nested_device_api_v1_device__device_path__post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                device_path: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["NestedDeviceRequest"];
            };
        };
        responses: {
            /** @description Result */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NestedDeviceResponse"];
                };
            };
            /** @description Method not allowed or not supported, or a write without a value */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A write in read-only mode, or to a read-only component */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unknown device or component */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Device disabled (writes) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Invalid body, a device name no registry could hold, no instantiation spec, or an inactive device */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnprocessableError"];
                };
            };
            /** @description Device locked (writes) */
            423: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Build, connect or verb failure */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Registry unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A PV of the device did not connect in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_nested_device_value_api_v1_device__device_path__value_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                device_path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reading */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceValue"];
                };
            };
            /** @description Unknown device or component */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A device name no registry could hold, no instantiation spec, or an inactive device */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnprocessableError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Build, connect or read failure */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Registry unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A PV of the device did not connect in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    resolve_device_paths_api_v1_devices_resolve_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceResolveRequest"];
            };
        };
        responses: {
            /** @description One row per address */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceResolveResponse"];
                };
            };
            /** @description Invalid body */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    set_pv_api_v1_pv_set_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PVSetRequest"];
            };
        };
        responses: {
            /** @description Written */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PVSetResponse"];
                };
            };
            /** @description Read-only mode, or the IOC denies write access to the PV */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description PV not in the registry */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Owning device disabled or unavailable */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description The value is over the array limit (EPICS_CA_MAX_ARRAY_BYTES) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Invalid body; a PV name no registry could hold; a value the PV cannot hold (type, element count, enum state, control limits); or the IOC refused it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnprocessableError"];
                };
            };
            /** @description Owning device locked by a plan */
            423: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description The write failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Registry or lock authority unreachable, or the IOC connection was lost */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description The PV did not connect, or the write did not complete, in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    set_pv_batch_api_v1_pv_set_batch_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PVSetBatchRequest"];
            };
        };
        responses: {
            /** @description What was applied */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PVSetBatchResponse"];
                };
            };
            /** @description Read-only mode */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Invalid body */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_pv_value_from_controller_api_v1_pv__pv_name__value_get: {
        parameters: {
            query?: {
                format?: string;
                /** @description The string form: an enum state name, a CHAR waveform as text, numbers formatted by the IOC */
                as_string?: boolean;
                /** @description At most this many elements */
                count?: number;
                /** @description false: arrays as plain JSON lists only (no binary form) */
                as_numpy?: boolean;
                /** @description Read from the shared monitor (installed on first use) instead of a fresh CA get */
                use_monitor?: boolean;
                /** @description Seconds for the get */
                timeout?: number;
                /** @description Seconds to connect */
                connection_timeout?: number;
                /** @description Force the DBR request type (0-34) */
                ftype?: number;
            };
            header?: never;
            path: {
                pv_name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The value */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PVValue"];
                    "application/octet-stream": string;
                };
            };
            /** @description The IOC denies read access */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not registered, or no value */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description No supported format requested */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description The value is over the array limit (EPICS_CA_MAX_ARRAY_BYTES) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Invalid query, or a PV name no registry could hold */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnprocessableError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Registry unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_connected_pvs_api_v1_pvs_connected_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description PV names */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string[];
                };
            };
            /** @description Validation Error (a repeated query parameter, or a JSON body that does not parse) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_monitored_pv_value_api_v1_pvs__pv_name__value_get: {
        parameters: {
            query?: {
                format?: string;
            };
            header?: never;
            path: {
                pv_name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The value */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PVValue"];
                    "application/octet-stream": string;
                };
            };
            /** @description Not registered, or not connected */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description No supported format requested */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Invalid query, or a PV name no registry could hold */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnprocessableError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Registry unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_stats_api_v1_stats_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stats"];
                };
            };
            /** @description Validation Error (a repeated query parameter, or a JSON body that does not parse) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    health_check_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description Validation Error (a repeated query parameter, or a JSON body that does not parse) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unhealthy */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
        };
    };
    metrics_metrics_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Validation Error (a repeated query parameter, or a JSON body that does not parse) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    readiness_check_ready_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyResponse"];
                };
            };
            /** @description Validation Error (a repeated query parameter, or a JSON body that does not parse) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Request line and headers over 16 KiB */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyResponse"];
                };
            };
        };
    };
}
