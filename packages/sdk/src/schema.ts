/**
 * Generated from services/api/openapi.json by openapi-typescript (`pnpm openapi`).
 * Do not edit: change the routes, then regenerate.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is up */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Postgres and Redis are reachable */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your tenant's clusters (an admin key: every tenant's), oldest first */
        get: operations["listClusters"];
        put?: never;
        /**
         * Create a cluster
         * @description Counts against the owning tenant's quotas (clusters, nodes, memory): 403 `quota_exceeded` names the one it would break. The cluster is your tenant's; an admin key may name another in `tenantId` (404 if there is no such tenant; any other key naming another tenant gets 403).
         */
        post: operations["createCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{clusterId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a cluster: desired spec, status and observed topology
         * @description The `ETag` header is the cluster's generation: send it back as `If-Match` on PATCH or DELETE to change only what you read.
         */
        get: operations["getCluster"];
        put?: never;
        post?: never;
        /**
         * Delete a cluster and every node in it
         * @description Asking again (a retried DELETE) answers 202 with the same delete operation; it starts nothing new (an If-Match is not checked then).
         */
        delete: operations["deleteCluster"];
        options?: never;
        head?: never;
        /**
         * Change the desired spec of a cluster; applied to the running nodes online
         * @description Fields left out keep their value. A body that changes nothing answers 200 with the cluster, and starts no operation. Growth counts against the quotas of the tenant that owns the cluster.
         */
        patch: operations["updateCluster"];
        trace?: never;
    };
    "/v1/clusters/{clusterId}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How to connect: your Redis user, its password, and the nodes that answer (primaries first)
         * @description Sent with `Cache-Control: no-store`. 404 once the cluster is being deleted: its password is not handed out any more. During a password rotation this is the old password until the rotation succeeds (the new one works on every node), then the new one. A read key gets 403: the Redis user handed out can write (a read-only Redis user for read keys is not built yet).
         */
        get: operations["getClusterCredentials"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{clusterId}/rebalance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Even out slots (or bytes) over the primaries, online; progress in the operation */
        post: operations["rebalanceCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{clusterId}/shards/{index}/switchover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Planned switchover: promote an in-sync replica with a coordinated CLUSTER FAILOVER (nothing lost) */
        post: operations["switchoverShard"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{clusterId}/skew": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per shard: slots, keys, memory, ops/s and the biggest keys (bounded sampled scan), read from the nodes now */
        get: operations["getClusterSkew"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{clusterId}/data-loss/{lossId}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge one data loss of a cluster: it leaves the cluster's `dataLoss`
         * @description One loss at a time, by its id in `dataLoss`. Answers the cluster as GET does, with a `cluster.data_loss_acknowledged` event. Acknowledging a loss already acknowledged answers the same and changes nothing. 404 names the loss when the cluster has no such loss.
         */
        post: operations["acknowledgeDataLoss"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{clusterId}/credentials/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new password for your Redis user "app", online; the old one keeps working for a grace period
         * @description Starts a rotate_password operation. It succeeds once every node accepts the new password (set live: nothing restarts, connected clients stay connected). Until then GET /credentials still answers the old password; from then on the new one. The old one keeps working for `graceSeconds` after the operation succeeds, then every node refuses it (connections already logged in with it stay open). 409 while the cluster is being created or deleted, while another rotation runs, or while a previous password's grace period runs.
         */
        post: operations["rotateClusterPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations/{operationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an operation: status, progress, error */
        get: operations["getOperation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{clusterId}/operations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a cluster's operations, oldest first */
        get: operations["listClusterOperations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/hosts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Hosts, their last heartbeat, state and instances (admin) */
        get: operations["listHosts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/hosts/{hostId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a host for good (admin): its credential is refused from now on, it gets no more assignments or passwords, and it counts as lost: its nodes are replaced on other hosts once they stop answering. Repeating it changes nothing. */
        post: operations["revokeHost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/hosts/{hostId}/rotate-credential": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give a host a new credential (admin), shown once; the old one is refused from now on. The agent keeps its redis-servers running while it is given the new one. */
        post: operations["rotateHostCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the event log from a cursor: every event exactly once, in order (an admin key sees every tenant and the hosts) */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The event log live, as Server-Sent Events; resumes after Last-Event-ID (or ?cursor=)
         * @description Each event is sent as `id:` (its cursor), `event:` (its type) and `data:` (the event JSON), in the order of GET /v1/events; a comment line every 15 s keeps the connection open. Reconnect with the last id in Last-Event-ID to get every later event exactly once. Events written through any API instance or worker reach every stream (Postgres NOTIFY wakes them; the log in Postgres is what they send). Not available through the serverless adapter, whose responses are buffered: poll GET /v1/events there. A key holds at most EVENT_STREAMS_PER_KEY streams (default 10) open at once on one API instance; another is a 429.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your webhooks, oldest first (secrets are not shown again) */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Have events POSTed to a URL, signed; the signing secret is in this response only
         * @description Every event written after this call that the key may read (the tenant's; with an admin key every tenant's and the hosts') and that `types` lets through is POSTed as the event JSON of GET /v1/events, with `Slotplane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>` and an `Idempotency-Key` that stays the same across retries. Any answer but a 2xx is retried with exponential backoff (10 s doubling, at most an hour apart) for about 12 hours. Deliveries are not ordered: order by GET /v1/events. The URL must resolve only to networks the operator allows (public addresses by default), checked again at every attempt. A tenant has at most WEBHOOKS_PER_TENANT webhooks (default 10; 403 quota_exceeded).
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Delete a webhook and its delivery log; nothing more is sent to it */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhookId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook's deliveries, newest first: status, attempts, last response code */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tenants with their quotas and usage, oldest first (admin) */
        get: operations["listTenants"];
        put?: never;
        /** Create a tenant (admin); give it keys with POST /v1/api-keys and its tenantId */
        post: operations["createTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{tenantId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant, its quotas and what it uses (your own with any key; any with an admin key) */
        get: operations["getTenant"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a tenant's quotas (admin); null goes back to the default
         * @description Lowering a quota below what the tenant uses removes nothing: the tenant cannot grow until it is under it again.
         */
        patch: operations["updateTenant"];
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the API keys of your tenant, revoked ones included, oldest first (write key) */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Make an API key; the key is in this response only
         * @description A key can make keys of its own scope or a lower one (read < write < admin). A tenant holds at most API_KEYS_PER_TENANT live keys (default 100; 403 quota_exceeded): revoke one to make another.
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One API key: prefix, scope, when made and last used (write key) */
        get: operations["getApiKey"];
        put?: never;
        post?: never;
        /**
         * Revoke an API key: every later request with it gets 401
         * @description Revoking a revoked key changes nothing and answers the same. A key can revoke keys of its own scope or a lower one, itself included.
         */
        delete: operations["revokeApiKey"];
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
        /** Prometheus metrics (admin key) */
        get: operations["metrics"];
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
        AcceptedOperation: {
            cluster: components["schemas"]["Cluster"];
            operation: components["schemas"]["Operation"];
        };
        ApiKey: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            tenantId: string;
            /** @description The first characters of the key, to tell keys apart. */
            prefix: string;
            name: string | null;
            /** @enum {string} */
            scope: "read" | "write" | "admin";
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @description To the minute. */
            lastUsedAt: string | null;
            revokedAt: string | null;
        };
        ApiKeyPage: {
            items: components["schemas"]["ApiKey"][];
            /** @description Pass as ?cursor= to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        BigKey: {
            name: string;
            type: string;
            bytes: number;
        };
        Cluster: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            /**
             * Format: uuid
             * @description The tenant that owns the cluster (its quotas count it).
             */
            tenantId: string;
            /** @description DNS-label-like name, unique per tenant. */
            name: string;
            /** @description Desired state, written only through the API. */
            spec: components["schemas"]["ClusterSpec"];
            /** @description Bumped on every change of spec. */
            generation: number;
            /**
             * @description Observed state, written only by workers.
             * @enum {string}
             */
            status: "creating" | "available" | "modifying" | "degraded" | "failed" | "deleting" | "deleted";
            /** @description The generation the cluster last converged to (0 = never). */
            observedGeneration: number;
            /** @description Why the cluster is not at its desired shape, when something stands in the way. */
            lastError: string | null;
            /** @description When a worker last observed the nodes. */
            observedAt: string | null;
            /** @description Observed topology: one entry per shard. */
            shards: components["schemas"]["Shard"][];
            /** @description Data losses not yet acknowledged, oldest first (empty when none): a node restarted in place whose persistence could not give back all it held. `status` does not show them (a cluster that lost data is `available` again once healed); each stays here until acknowledged. In a 202 reply's cluster, empty like its `shards`: GET the cluster. */
            dataLoss: components["schemas"]["DataLoss"][];
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            updatedAt: string;
        };
        ClusterCredentials: {
            /** @description Your Redis user: every data command, no admin commands (CONFIG, ACL, CLUSTER changes, ...). */
            username: string;
            password: string;
            /** @description Nodes that answered the last observation: primaries first, then replicas. Any one is enough for a cluster client. */
            endpoints: {
                host: string;
                port: number;
                /** @enum {string} */
                role: "primary" | "replica";
            }[];
        };
        ClusterPage: {
            items: components["schemas"]["Cluster"][];
            /** @description Pass as ?cursor= to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        ClusterSkew: {
            shards: components["schemas"]["ShardSkew"][];
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            measuredAt: string;
        };
        ClusterSpec: {
            /** @description Number of shards (primaries), 1-64. */
            shards: number;
            /** @description Replicas of each primary, 0-5. */
            replicasPerShard: number;
            /** @description maxmemory of every node, in MiB. */
            maxMemoryMb: number;
            /**
             * @description none: memory only; aof: append-only file (fsync every second); rdb: periodic snapshots.
             * @enum {string}
             */
            persistence: "none" | "aof" | "rdb";
            redisConfig: components["schemas"]["RedisConfig"];
            /** @description When hosts holding a majority of the primaries are lost, Redis can neither flag them failed nor elect replicas. true: Slotplane promotes their replicas with CLUSTER FAILOVER TAKEOVER (no vote; writes a lost primary took after its replica last synced are lost, and a primary that was only cut off keeps refusing writes after cluster-node-timeout). false (default): the cluster waits for the hosts to come back. */
            takeoverWhenQuorumLost?: boolean;
            /**
             * @description strict: a primary takes writes only while one of its replicas acknowledged replication within the last 2 s (min-replicas-to-write 1, min-replicas-max-lag 2), so a primary cut off from its replicas refuses writes (NOREPLICAS) before Redis can promote one of them, and one paused past cluster-node-timeout refuses what it is sent once it has run again for a second (Redis recounts its replicas once a second: commands queued in its sockets while paused, and those sent in that first second, may still be acknowledged: use WAIT for those); the price: a primary whose replicas are all gone (a failover, a replica being replaced) refuses writes until a new one has synced. relaxed: a primary takes writes alone; one cut off or paused past cluster-node-timeout can acknowledge writes its promoted replica never sees. Needs replicasPerShard >= 1 for strict. Default: strict with replicas, relaxed without; left out, it follows replicasPerShard.
             * @enum {string}
             */
            durability?: "strict" | "relaxed";
        };
        CreateApiKeyBody: {
            /**
             * @description read, write, or admin (admin keys can only be made with an admin key).
             * @default write
             * @enum {string}
             */
            scope?: "read" | "write" | "admin";
            /** @description What the key is for, e.g. "ci deploy"; shown when keys are listed. */
            name?: string;
            /**
             * Format: uuid
             * @description Admin keys only: make the key for this tenant (default: the caller's).
             */
            tenantId?: string;
        };
        CreateClusterRequest: {
            /** @description DNS-label-like name, unique per tenant. */
            name: string;
            /** @description Number of shards (primaries), 1-64. */
            shards: number;
            /** @description Replicas of each primary, 0-5. */
            replicasPerShard: number;
            /**
             * @description maxmemory of every node, in MiB.
             * @default 256
             */
            maxMemoryMb?: number;
            /**
             * @description none: memory only; aof: append-only file (fsync every second); rdb: periodic snapshots.
             * @default none
             * @enum {string}
             */
            persistence?: "none" | "aof" | "rdb";
            /** @default {} */
            redisConfig?: components["schemas"]["RedisConfigInput"];
            /**
             * @description When hosts holding a majority of the primaries are lost, Redis can neither flag them failed nor elect replicas. true: Slotplane promotes their replicas with CLUSTER FAILOVER TAKEOVER (no vote; writes a lost primary took after its replica last synced are lost, and a primary that was only cut off keeps refusing writes after cluster-node-timeout). false (default): the cluster waits for the hosts to come back.
             * @default false
             */
            takeoverWhenQuorumLost?: boolean;
            /**
             * @description strict: a primary takes writes only while one of its replicas acknowledged replication within the last 2 s (min-replicas-to-write 1, min-replicas-max-lag 2), so a primary cut off from its replicas refuses writes (NOREPLICAS) before Redis can promote one of them, and one paused past cluster-node-timeout refuses what it is sent once it has run again for a second (Redis recounts its replicas once a second: commands queued in its sockets while paused, and those sent in that first second, may still be acknowledged: use WAIT for those); the price: a primary whose replicas are all gone (a failover, a replica being replaced) refuses writes until a new one has synced. relaxed: a primary takes writes alone; one cut off or paused past cluster-node-timeout can acknowledge writes its promoted replica never sees. Needs replicasPerShard >= 1 for strict. Default: strict with replicas, relaxed without; left out, it follows replicasPerShard.
             * @enum {string}
             */
            durability?: "strict" | "relaxed";
            /**
             * Format: uuid
             * @description Admin keys only: create the cluster for this tenant, within its quotas (default: the caller's).
             */
            tenantId?: string;
        };
        CreatedApiKey: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            tenantId: string;
            /** @description The first characters of the key, to tell keys apart. */
            prefix: string;
            name: string | null;
            /** @enum {string} */
            scope: "read" | "write" | "admin";
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @description To the minute. */
            lastUsedAt: string | null;
            revokedAt: string | null;
            /** @description The key: shown this once. Send it as `Authorization: Bearer <key>`. */
            key: string;
        };
        CreatedWebhook: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            url: string;
            /** @description null: every type. */
            types: ("cluster.created" | "cluster.updated" | "cluster.delete_requested" | "cluster.rebalance_requested" | "cluster.switchover_requested" | "cluster.password_rotation_requested" | "cluster.previous_password_retired" | "cluster.available" | "cluster.deleted" | "cluster.status_changed" | "cluster.data_loss_acknowledged" | "cluster.step_done" | "operation.started" | "operation.progress" | "operation.succeeded" | "operation.failed" | "operation.cancelled" | "node.started" | "node.exited" | "node.wedged" | "node.replaced" | "shard.failover" | "slot_migration.progress" | "shard.data_lost" | "host.enrolled" | "host.revoked" | "host.credential_rotated" | "host.suspect" | "host.lost" | "host.recovered")[] | null;
            /**
             * @description tenant: the events of the key's tenant; fleet (made with an admin key): every tenant's and the hosts'.
             * @enum {string}
             */
            scope: "tenant" | "fleet";
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @description The signing secret: shown this once. Each delivery carries `Slotplane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`. */
            secret: string;
        };
        CreateTenantBody: {
            /** @description DNS-label-like name, unique. */
            name: string;
            /** @description Clusters not being deleted. */
            maxClusters?: number | null;
            /** @description redis-server processes over all clusters: shards x (1 + replicas). */
            maxNodes?: number | null;
            /** @description maxmemory summed over every node, MiB. */
            maxMemoryMb?: number | null;
        };
        CreateWebhookBody: {
            /** @description Where to POST events: http(s), no credentials in it, resolving only to allowed networks (public addresses unless the operator allows more). */
            url: string;
            /** @description Only these event types; every type when absent. */
            types?: ("cluster.created" | "cluster.updated" | "cluster.delete_requested" | "cluster.rebalance_requested" | "cluster.switchover_requested" | "cluster.password_rotation_requested" | "cluster.previous_password_retired" | "cluster.available" | "cluster.deleted" | "cluster.status_changed" | "cluster.data_loss_acknowledged" | "cluster.step_done" | "operation.started" | "operation.progress" | "operation.succeeded" | "operation.failed" | "operation.cancelled" | "node.started" | "node.exited" | "node.wedged" | "node.replaced" | "shard.failover" | "slot_migration.progress" | "shard.data_lost" | "host.enrolled" | "host.revoked" | "host.credential_rotated" | "host.suspect" | "host.lost" | "host.recovered")[];
        };
        DataLoss: {
            /**
             * Format: uuid
             * @description Acknowledge it with POST /v1/clusters/{clusterId}/data-loss/{lossId}/acknowledge.
             */
            id: string;
            /** @description The shard that lost data, as in `shards` (null if its shard row was gone when the loss was declared). */
            shardIndex: number | null;
            /**
             * Format: uuid
             * @description The node restarted in place, in its own data dir.
             */
            nodeId: string;
            /**
             * @description all: the node had no persistence and came back empty; since_last_save: persistence is rdb, and the writes after its last snapshot are gone.
             * @enum {string}
             */
            loss: "all" | "since_last_save";
            /** @description What was lost, in words. */
            detail: string;
            /**
             * Format: date-time
             * @description When the worker restarted the node (the `shard.data_lost` event of the same time).
             */
            declaredAt: string;
        };
        Delivery: {
            /**
             * Format: uuid
             * @description Also sent as the Idempotency-Key header of every attempt.
             */
            id: string;
            /** @description The event's cursor (its id in GET /v1/events). */
            eventId: string;
            /** @enum {string} */
            eventType: "cluster.created" | "cluster.updated" | "cluster.delete_requested" | "cluster.rebalance_requested" | "cluster.switchover_requested" | "cluster.password_rotation_requested" | "cluster.previous_password_retired" | "cluster.available" | "cluster.deleted" | "cluster.status_changed" | "cluster.data_loss_acknowledged" | "cluster.step_done" | "operation.started" | "operation.progress" | "operation.succeeded" | "operation.failed" | "operation.cancelled" | "node.started" | "node.exited" | "node.wedged" | "node.replaced" | "shard.failover" | "slot_migration.progress" | "shard.data_lost" | "host.enrolled" | "host.revoked" | "host.credential_rotated" | "host.suspect" | "host.lost" | "host.recovered";
            /**
             * @description pending: not yet answered with a 2xx (retried with exponential backoff for about 12 hours); failed: given up.
             * @enum {string}
             */
            status: "pending" | "succeeded" | "failed";
            attempts: number;
            /** @description The receiver's last HTTP status; null when it could not be reached. */
            lastResponseCode: number | null;
            lastError: string | null;
            nextAttemptAt: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            deliveredAt: string | null;
        };
        DeliveryPage: {
            items: components["schemas"]["Delivery"][];
            /** @description Pass as ?cursor= to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        DiskSpace: {
            /** @description Bytes the agent can still write in its data dir (statfs: available blocks x block size). */
            freeBytes: number;
            /** @description Size of the file system of the data dir. */
            totalBytes: number;
        };
        Event: {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.created";
            /** @description The cluster was asked for (POST): its spec is stored, the create operation runs. */
            data: {
                /** @description The generation the request asks for. */
                generation: number;
                /** @description The whole desired spec (create, update, delete). */
                spec?: components["schemas"]["ClusterSpec"];
                /** @description The request's parameters (rebalance, switchover, password rotation). */
                params?: {
                    [key: string]: unknown;
                };
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.updated";
            /** @description Its desired spec changed (PATCH); the update operation runs. */
            data: {
                /** @description The generation the request asks for. */
                generation: number;
                /** @description The whole desired spec (create, update, delete). */
                spec?: components["schemas"]["ClusterSpec"];
                /** @description The request's parameters (rebalance, switchover, password rotation). */
                params?: {
                    [key: string]: unknown;
                };
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.delete_requested";
            /** @description Its deletion was asked for; cluster.deleted follows when its nodes are gone. */
            data: {
                /** @description The generation the request asks for. */
                generation: number;
                /** @description The whole desired spec (create, update, delete). */
                spec?: components["schemas"]["ClusterSpec"];
                /** @description The request's parameters (rebalance, switchover, password rotation). */
                params?: {
                    [key: string]: unknown;
                };
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.rebalance_requested";
            data: {
                /** @description The generation the request asks for. */
                generation: number;
                /** @description The whole desired spec (create, update, delete). */
                spec?: components["schemas"]["ClusterSpec"];
                /** @description The request's parameters (rebalance, switchover, password rotation). */
                params?: {
                    [key: string]: unknown;
                };
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.switchover_requested";
            data: {
                /** @description The generation the request asks for. */
                generation: number;
                /** @description The whole desired spec (create, update, delete). */
                spec?: components["schemas"]["ClusterSpec"];
                /** @description The request's parameters (rebalance, switchover, password rotation). */
                params?: {
                    [key: string]: unknown;
                };
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.password_rotation_requested";
            /** @description A new password for the tenant's user was asked for (params: graceSeconds); the rotate_password operation runs. The new password is handed out once it works on every node. */
            data: {
                /** @description The generation the request asks for. */
                generation: number;
                /** @description The whole desired spec (create, update, delete). */
                spec?: components["schemas"]["ClusterSpec"];
                /** @description The request's parameters (rebalance, switchover, password rotation). */
                params?: {
                    [key: string]: unknown;
                };
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.previous_password_retired";
            /** @description The previous password's grace period ended: the control plane no longer honours it, and takes it off every node and every redis.conf. */
            data: Record<string, never>;
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.available";
            /** @description The cluster was observed at the generation asked for. */
            data: {
                generation: number;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.deleted";
            /** @description Every node of the cluster is stopped and erased. */
            data: {
                generation: number;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.status_changed";
            data: {
                /** @enum {string} */
                from: "creating" | "available" | "modifying" | "degraded" | "failed" | "deleting" | "deleted";
                /** @enum {string} */
                to: "creating" | "available" | "modifying" | "degraded" | "failed" | "deleting" | "deleted";
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.data_loss_acknowledged";
            /** @description A user acknowledged a data loss (shard.data_lost): it is no longer in the cluster's `dataLoss`. */
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                lossId: string;
                shardIndex: number | null;
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                nodeId: string;
                /**
                 * @description all: the node had no persistence and came back empty; since_last_save: persistence is rdb, and the writes after its last snapshot are gone.
                 * @enum {string}
                 */
                loss: "all" | "since_last_save";
                /**
                 * Format: uuid
                 * @description The API key that acknowledged it.
                 */
                acknowledgedBy: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "cluster.step_done";
            data: {
                phase: string;
                /** @description Each step: its kind and the nodes it touched. */
                steps: {
                    [key: string]: unknown;
                }[];
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "operation.started";
            data: {
                /** @enum {string} */
                kind: "create" | "update" | "delete" | "rebalance" | "switchover" | "rotate_password";
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "operation.progress";
            /** @description Written when the step changes or the progress passes a tenth: coarse, for a progress bar. */
            data: {
                /** @enum {string} */
                kind: "create" | "update" | "delete" | "rebalance" | "switchover" | "rotate_password";
                /** @description Percent done. */
                progress: number;
                /** @description What it is doing now. */
                step: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "operation.succeeded";
            data: {
                /** @enum {string} */
                kind: "create" | "update" | "delete" | "rebalance" | "switchover" | "rotate_password";
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "operation.failed";
            data: {
                /** @enum {string} */
                kind: "create" | "update" | "delete" | "rebalance" | "switchover" | "rotate_password";
                error: components["schemas"]["OperationError"];
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "operation.cancelled";
            data: {
                /** @enum {string} */
                kind: "create" | "update" | "delete" | "rebalance" | "switchover" | "rotate_password";
                reason: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "node.started";
            /** @description The node's redis-server process was seen running (first start, restart, or a new pid). */
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                nodeId: string;
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                port: number;
                pid: number | null;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "node.exited";
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                nodeId: string;
                exitCode: number | null;
                signal: string | null;
                /** @description Set when its agent could not start it at all (redis.conf not written, redis-server exited at once), e.g. a full disk. */
                startError?: string | null;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "node.wedged";
            /** @description A node that answered only BUSY (a script that does not end) for too long was stopped. */
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                nodeId: string;
                /**
                 * @description script_kill: the script was killed and the node serves on; shutdown: the script had written, so the node was shut down (SHUTDOWN NOSAVE) and is healed like any that exits.
                 * @enum {string}
                 */
                stoppedBy: "script_kill" | "shutdown";
                reason: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "node.replaced";
            data: {
                shardIndex: number;
                /**
                 * Format: uuid
                 * @description The dead node.
                 */
                from: string;
                /**
                 * Format: uuid
                 * @description The node placed in its stead.
                 */
                to: string;
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                port: number;
                reason: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "shard.failover";
            data: {
                shardIndex: number;
                /** @description The primary it replaced, when known. */
                from: string | null;
                /**
                 * Format: uuid
                 * @description The new primary.
                 */
                to: string;
                /**
                 * @description agent_exit: Slotplane promoted after the agent saw the primary exit; primary_failed: Slotplane promoted in Redis's place a replica of a primary its peers flag FAIL (frozen, cut off, or on a lost host) while the shard was giving slots away; redis: Redis's own election; switchover: asked for; takeover: the takeoverWhenQuorumLost policy.
                 * @enum {string}
                 */
                trigger: "agent_exit" | "primary_failed" | "redis" | "switchover" | "takeover";
                /** @description From the death (or silence) of the old primary to the promotion, when known. */
                durationMs: number | null;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "slot_migration.progress";
            /** @description One batch of slots changed owner (coarse: one event per up to 256 slots, not per key). */
            data: {
                /**
                 * Format: uuid
                 * @description The source primary.
                 */
                from: string;
                /**
                 * Format: uuid
                 * @description The target primary.
                 */
                to: string;
                /** @description Slots this batch handed over (at most 256). */
                slots: number;
                /** @description Keys those slots carried. */
                keys: number;
                bytes: number;
                /** @description Slots the operation has moved so far. */
                slotsDone: number;
                /** @description Slots the operation moves in all. */
                slotsTotal: number;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "shard.data_lost";
            /** @description A node was restarted in place from what its persistence kept, which was not all it held; the loss stays on the cluster (`dataLoss`) until acknowledged. */
            data: {
                /**
                 * Format: uuid
                 * @description The loss as the cluster's `dataLoss` shows it until acknowledged (absent on events written before losses were kept).
                 */
                lossId?: string;
                shardIndex: number | null;
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                nodeId: string;
                /**
                 * @description all: the node had no persistence and came back empty; since_last_save: persistence is rdb, and the writes after its last snapshot are gone.
                 * @enum {string}
                 */
                loss: "all" | "since_last_save";
                detail: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "host.enrolled";
            /** @description An agent enrolled a new host with a one-time enrollment token. */
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                name: string;
                address: string;
                zone: string | null;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "host.revoked";
            /** @description An admin revoked the host: its credential is refused and it counts as lost (host.lost follows); its nodes are replaced once they stop answering. */
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                name: string;
                address: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "host.credential_rotated";
            /** @description The host was given a new credential; the old one is refused. */
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                name: string;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "host.suspect";
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                name: string;
                /**
                 * @description The state it was in before.
                 * @enum {string}
                 */
                from: "up" | "suspect" | "lost";
                lastHeartbeatAt: string | null;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "host.lost";
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                name: string;
                /**
                 * @description The state it was in before.
                 * @enum {string}
                 */
                from: "up" | "suspect" | "lost";
                lastHeartbeatAt: string | null;
            };
        } | {
            /** @description The event's cursor: pass it as ?cursor= to read what came after it. */
            id: string;
            /** @description null for events of the fleet itself (host.*), which only admin keys see. */
            tenantId: string | null;
            clusterId: string | null;
            operationId: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            /** @constant */
            type: "host.recovered";
            data: {
                /**
                 * Format: uuid
                 * @description Opaque identifier (UUID).
                 */
                hostId: string;
                name: string;
                /**
                 * @description The state it was in before.
                 * @enum {string}
                 */
                from: "up" | "suspect" | "lost";
                lastHeartbeatAt: string | null;
            };
        };
        EventPage: {
            /** @description In the order the events became visible; a follower sees each exactly once. */
            items: components["schemas"]["Event"][];
            /** @description Pass as ?cursor= to read on. Never null: poll with it for what comes next. */
            nextCursor: string;
        };
        FieldError: {
            /** @description Where the bad value is, e.g. "body.shards" or "query.limit". */
            field: string;
            message: string;
        };
        Health: {
            /** @enum {string} */
            status: "ok" | "unavailable";
            checks?: {
                [key: string]: string;
            };
        };
        Host: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            name: string;
            address: string;
            zone: string | null;
            rack: string | null;
            portMin: number;
            portMax: number;
            lastHeartbeatAt: string | null;
            /** @description When an admin revoked the host: its credential is refused since, and it counts as lost. */
            revokedAt: string | null;
            /**
             * @description From its heartbeats (one a second): suspect after 3 s without one, lost after the grace period (HOST_LOST_AFTER_MS, default 30 s), silence counted from no earlier than the control plane's return after it was down; lost at once when revoked. Silence alone fails nothing over: a lost host's nodes are replaced only once Redis itself flags them FAIL.
             * @enum {string}
             */
            state: "up" | "suspect" | "lost";
            /** @description Its agent's data dir as of the last heartbeat; null until an agent reports it. A host takes new nodes only with HOST_MIN_FREE_DISK_MB free (or a node's maxmemory with AOF/RDB, if more). */
            disk: components["schemas"]["DiskSpace"] | null;
            instances: components["schemas"]["InstanceReport"][];
        };
        HostCredential: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            hostId: string;
            /** @description The host's new credential, shown once: write it to <agent data dir>/host-token and restart the agent. The old one is refused already. */
            hostToken: string;
        };
        HostList: {
            items: components["schemas"]["Host"][];
        };
        InstanceReport: {
            /**
             * Format: uuid
             * @description A node assigned to this host (now or before: a removed one may still be reported while it stops).
             */
            nodeId: string;
            port: number;
            /** @description Linux caps process ids at 2^22. */
            pid: number | null;
            /** @enum {string} */
            state: "starting" | "running" | "stopping" | "exited";
            exitCode: number | null;
            signal: string | null;
            /** @description The run generation of the process that runs (or last ran). */
            runGeneration: number;
            /** @description The configuration revision its redis.conf was last written for. */
            revision: string | null;
            /** @description Why the agent could not start this run (state exited, no process); null or absent otherwise. The control plane starts it again, or elsewhere, by itself. */
            startFailure?: components["schemas"]["StartFailure"] | null;
        };
        Node: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            hostId: string;
            /** @description Address clients connect to. */
            host: string;
            port: number;
            /** @description The 40-character id Redis Cluster knows the node by. */
            redisNodeId: string | null;
            /** @description Observed role: what Redis says this node is now (null until first observed). */
            role: ("primary" | "replica") | null;
            /**
             * @description What the host agent reports of the process.
             * @enum {string}
             */
            status: "pending" | "starting" | "running" | "exited" | "stopping" | "stopped";
            /** @description Whether the node answered the last observation (null until first observed). */
            reachable: boolean | null;
            /** @description For a replica: the Redis node id of the primary it follows. */
            primaryRedisNodeId: string | null;
            /** @description For a replica: its replication link to the primary (master_link_status). */
            linkStatus: ("up" | "down") | null;
            health: ("ok" | "lagging" | "syncing" | "cannot_persist" | "suspected" | "failed" | "unreachable") | null;
            /** @description Why its agent could not start it (its current run), e.g. a full disk; null otherwise. */
            startError: string | null;
            /** @description Replication offset the node reported. */
            replicationOffset: number | null;
            /** @description When the node last answered the control plane. */
            lastSeenAt: string | null;
        };
        Operation: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            clusterId: string;
            /** @enum {string} */
            kind: "create" | "update" | "delete" | "rebalance" | "switchover" | "rotate_password";
            /** @enum {string} */
            status: "pending" | "running" | "succeeded" | "failed" | "cancelled";
            /** @description The cluster generation this operation brings about. */
            targetGeneration: number;
            /** @description Percent done. */
            progress: number;
            /** @description What the operation is doing now. */
            step: string | null;
            error: components["schemas"]["OperationError"] | null;
            warnings: string[];
            /** @description Slot migration done for this operation so far (null when it moves no slots). */
            moves: {
                slotsTotal: number;
                slotsMoved: number;
                keysMoved: number;
                bytesMoved: number;
            } | null;
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
        };
        OperationError: {
            code: string;
            message: string;
        };
        OperationPage: {
            items: components["schemas"]["Operation"][];
            /** @description Pass as ?cursor= to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        PatchTenantBody: {
            /** @description Clusters not being deleted. */
            maxClusters?: number | null;
            /** @description redis-server processes over all clusters: shards x (1 + replicas). */
            maxNodes?: number | null;
            /** @description maxmemory summed over every node, MiB. */
            maxMemoryMb?: number | null;
        };
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @enum {string} */
            code: "validation_failed" | "unauthorized" | "forbidden" | "quota_exceeded" | "not_found" | "method_not_allowed" | "request_timeout" | "conflict" | "name_taken" | "precondition_failed" | "payload_too_large" | "unsupported_media_type" | "idempotency_key_reused" | "headers_too_large" | "rate_limited" | "internal" | "not_implemented" | "unavailable";
            requestId: string;
            instance?: string;
            /** @description Every offending field, for validation errors. */
            errors?: components["schemas"]["FieldError"][];
            /** @description For quota_exceeded: which quota, its limit, what is in use and what the request asked for. */
            quota?: {
                /** @enum {string} */
                name: "clusters" | "nodes" | "memoryMb" | "webhooks" | "apiKeys";
                limit: number;
                /** @description In use before this request. */
                used: number;
                /** @description What this request would add. */
                requested: number;
            };
        };
        RebalanceRequest: {
            /**
             * @description slots: even slot counts; memory: even bytes per primary (measured on the nodes), so a shard of big keys ends with fewer slots.
             * @default slots
             * @enum {string}
             */
            by?: "slots" | "memory";
            /**
             * @description Percent a primary may be off its fair share before slots move.
             * @default 2
             */
            threshold?: number;
        };
        RedisConfig: {
            /** @enum {string} */
            "maxmemory-policy"?: "noeviction" | "allkeys-lru" | "allkeys-lfu" | "allkeys-random" | "volatile-lru" | "volatile-lfu" | "volatile-random" | "volatile-ttl";
            /** @description Close idle client connections after this many seconds (0 = never). */
            timeout?: number;
            "tcp-keepalive"?: number;
            "notify-keyspace-events"?: string;
            "slowlog-log-slower-than"?: number;
            "slowlog-max-len"?: number;
            /** @enum {string} */
            "cluster-allow-reads-when-down"?: "yes" | "no";
            hz?: number;
            /** @description Client connections a node takes, 128-100000. Replicas and the control plane count among them: below the floor a node could lock them out. */
            maxclients?: number;
        };
        RedisConfigInput: {
            /** @enum {string} */
            "maxmemory-policy"?: "noeviction" | "allkeys-lru" | "allkeys-lfu" | "allkeys-random" | "volatile-lru" | "volatile-lfu" | "volatile-random" | "volatile-ttl";
            /** @description Close idle client connections after this many seconds (0 = never). */
            timeout?: number;
            "tcp-keepalive"?: number;
            "notify-keyspace-events"?: string;
            "slowlog-log-slower-than"?: number;
            "slowlog-max-len"?: number;
            /** @enum {string} */
            "cluster-allow-reads-when-down"?: "yes" | "no";
            hz?: number;
            /** @description Client connections a node takes, 128-100000. Replicas and the control plane count among them: below the floor a node could lock them out. */
            maxclients?: number;
        };
        RotatePasswordRequest: {
            /**
             * @description How long the old password keeps working once the new one works on every node (0-86400 s).
             * @default 3600
             */
            graceSeconds?: number;
        };
        Shard: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            index: number;
            /** @description Slot ranges the primary owns, as read from CLUSTER NODES. */
            slots: [
                number,
                number
            ][];
            /** @description The member observed as primary (owning the slots); null when none is. */
            primary: components["schemas"]["Node"] | null;
            /** @description Every other member, live or not. */
            replicas: components["schemas"]["Node"][];
        };
        ShardSkew: {
            index: number;
            primary: {
                host: string;
                port: number;
            } | null;
            /** @description Slots the primary owns. */
            slots: number;
            /** @description Keys on the primary (DBSIZE); null when it could not be measured (error). */
            keys: number | null;
            /** @description used_memory of the primary; null when it could not be measured (error). */
            usedMemoryBytes: number | null;
            /** @description Commands per second the primary processed over the report's measuring window (at least 0.5 s), the report's own commands left out; null when it could not be measured (error). */
            opsPerSec: number | null;
            /** @description The biggest keys found by a bounded sampled SCAN, biggest first. */
            bigKeys: components["schemas"]["BigKey"][];
            /** @description How many keys the scan looked at on this primary. */
            sampledKeys: number;
            /** @description Why this primary could not be measured (no primary, or it did not answer); null when it was. */
            error: string | null;
        };
        StartFailure: {
            /** @description What went wrong, in the agent's words: redis.conf could not be written, or redis-server exited at once (with its last log line). */
            reason: string;
            /** @description The disk was full: ENOSPC, or next to nothing left free in the data dir when redis-server gave up. */
            noSpace: boolean;
            /** @description Free bytes in the data dir at that moment (null when it could not tell). */
            freeDiskBytes: number | null;
        };
        SwitchoverRequest: {
            /**
             * Format: uuid
             * @description The replica to promote; by default the in-sync replica with the greatest replication offset.
             */
            nodeId?: string;
        };
        Tenant: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            name: string;
            /** @description The limits in force (the tenant's own, else the defaults). */
            quotas: components["schemas"]["Usage"];
            /** @description What the tenant uses now. */
            usage: components["schemas"]["Usage"];
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
        };
        TenantPage: {
            items: components["schemas"]["Tenant"][];
            /** @description Pass as ?cursor= to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        UpdateClusterRequest: {
            /** @description More shards: new primaries and replicas, then slots migrate to them online. Fewer: the last shards are drained online, then removed. */
            shards?: number;
            /** @description Replicas of each primary, 0-5. */
            replicasPerShard?: number;
            /** @description maxmemory of every node, in MiB. */
            maxMemoryMb?: number;
            /**
             * @description none: memory only; aof: append-only file (fsync every second); rdb: periodic snapshots.
             * @enum {string}
             */
            persistence?: "none" | "aof" | "rdb";
            /** @description Replaces the whole redisConfig object. */
            redisConfig?: components["schemas"]["RedisConfigInput"];
            /** @description When hosts holding a majority of the primaries are lost, Redis can neither flag them failed nor elect replicas. true: Slotplane promotes their replicas with CLUSTER FAILOVER TAKEOVER (no vote; writes a lost primary took after its replica last synced are lost, and a primary that was only cut off keeps refusing writes after cluster-node-timeout). false (default): the cluster waits for the hosts to come back. */
            takeoverWhenQuorumLost?: boolean;
            /**
             * @description strict needs replicasPerShard >= 1: going to 0 replicas takes durability relaxed in the same PATCH, unless durability was left to its default.
             * @enum {string}
             */
            durability?: "strict" | "relaxed";
        };
        Usage: {
            clusters: number;
            nodes: number;
            memoryMb: number;
        };
        Webhook: {
            /**
             * Format: uuid
             * @description Opaque identifier (UUID).
             */
            id: string;
            url: string;
            /** @description null: every type. */
            types: ("cluster.created" | "cluster.updated" | "cluster.delete_requested" | "cluster.rebalance_requested" | "cluster.switchover_requested" | "cluster.password_rotation_requested" | "cluster.previous_password_retired" | "cluster.available" | "cluster.deleted" | "cluster.status_changed" | "cluster.data_loss_acknowledged" | "cluster.step_done" | "operation.started" | "operation.progress" | "operation.succeeded" | "operation.failed" | "operation.cancelled" | "node.started" | "node.exited" | "node.wedged" | "node.replaced" | "shard.failover" | "slot_migration.progress" | "shard.data_lost" | "host.enrolled" | "host.revoked" | "host.credential_rotated" | "host.suspect" | "host.lost" | "host.recovered")[] | null;
            /**
             * @description tenant: the events of the key's tenant; fleet (made with an admin key): every tenant's and the hosts'.
             * @enum {string}
             */
            scope: "tenant" | "fleet";
            /**
             * Format: date-time
             * @description RFC 3339 timestamp.
             */
            createdAt: string;
        };
        WebhookPage: {
            items: components["schemas"]["Webhook"][];
            /** @description Pass as ?cursor= to get the next page; null on the last page. */
            nextCursor: string | null;
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
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    listClusters: {
        parameters: {
            query?: {
                /** @description Items per page (1-100). */
                limit?: number;
                /** @description The nextCursor of the previous page. */
                cursor?: string;
                /** @description Only this tenant's clusters. An admin key lists every tenant's without it; any other key may name only its own tenant (another is 403). */
                tenantId?: string;
                /** @description Only the cluster of this name (one per tenant: an admin key may get several). */
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClusterPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createCluster: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateClusterRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedOperation"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteCluster: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
                /** @description The ETag of a GET of the cluster (its generation, e.g. `"3"`), or `*`: the change is made only if nobody changed the cluster since; else 412. */
                "if-match"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedOperation"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateCluster: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
                /** @description The ETag of a GET of the cluster (its generation, e.g. `"3"`), or `*`: the change is made only if nobody changed the cluster since; else 412. */
                "if-match"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateClusterRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedOperation"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getClusterCredentials: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClusterCredentials"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rebalanceCluster: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RebalanceRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedOperation"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    switchoverShard: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
                /** @description Shard index, as in GET /v1/clusters/{id}. */
                index: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SwitchoverRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedOperation"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getClusterSkew: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClusterSkew"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    acknowledgeDataLoss: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
                /** @description A data loss's id, as in the cluster's `dataLoss`. */
                lossId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateClusterPassword: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RotatePasswordRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedOperation"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOperation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                operationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listClusterOperations: {
        parameters: {
            query?: {
                /** @description Items per page (1-100). */
                limit?: number;
                /** @description The nextCursor of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                clusterId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperationPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listHosts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HostList"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeHost: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                hostId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Host"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateHostCredential: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                hostId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HostCredential"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description Read the events after this one (an event id, or a nextCursor); `now` for only what comes next; from the oldest kept when absent. */
                cursor?: string;
                /** @description Opaque identifier (UUID). */
                clusterId?: string;
                /** @description Only events of these types: one, several separated by commas (`type=shard.failover,node.replaced`), or the parameter repeated. */
                type?: ("cluster.created" | "cluster.updated" | "cluster.delete_requested" | "cluster.rebalance_requested" | "cluster.switchover_requested" | "cluster.password_rotation_requested" | "cluster.previous_password_retired" | "cluster.available" | "cluster.deleted" | "cluster.status_changed" | "cluster.data_loss_acknowledged" | "cluster.step_done" | "operation.started" | "operation.progress" | "operation.succeeded" | "operation.failed" | "operation.cancelled" | "node.started" | "node.exited" | "node.wedged" | "node.replaced" | "shard.failover" | "slot_migration.progress" | "shard.data_lost" | "host.enrolled" | "host.revoked" | "host.credential_rotated" | "host.suspect" | "host.lost" | "host.recovered")[];
                /** @description Events per page (1-500). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description Read the events after this one (an event id, or a nextCursor); `now` for only what comes next; from the oldest kept when absent. */
                cursor?: string;
                /** @description Opaque identifier (UUID). */
                clusterId?: string;
                /** @description Only events of these types: one, several separated by commas (`type=shard.failover,node.replaced`), or the parameter repeated. */
                type?: ("cluster.created" | "cluster.updated" | "cluster.delete_requested" | "cluster.rebalance_requested" | "cluster.switchover_requested" | "cluster.password_rotation_requested" | "cluster.previous_password_retired" | "cluster.available" | "cluster.deleted" | "cluster.status_changed" | "cluster.data_loss_acknowledged" | "cluster.step_done" | "operation.started" | "operation.progress" | "operation.succeeded" | "operation.failed" | "operation.cancelled" | "node.started" | "node.exited" | "node.wedged" | "node.replaced" | "shard.failover" | "slot_migration.progress" | "shard.data_lost" | "host.enrolled" | "host.revoked" | "host.credential_rotated" | "host.suspect" | "host.lost" | "host.recovered")[];
            };
            header?: {
                "last-event-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                /** @description Items per page (1-100). */
                limit?: number;
                /** @description The nextCursor of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookBody"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Items per page (1-100). */
                limit?: number;
                /** @description The nextCursor of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTenants: {
        parameters: {
            query?: {
                /** @description Items per page (1-100). */
                limit?: number;
                /** @description The nextCursor of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTenant: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTenantBody"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateTenant: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PatchTenantBody"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: {
                /** @description Items per page (1-100). */
                limit?: number;
                /** @description The nextCursor of the previous page. */
                cursor?: string;
                /** @description Admin keys only: another tenant's keys. */
                tenantId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyBody"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Opaque identifier (UUID). */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first response to this key (a UUID is a good one) is kept 24 h, and the same request sent again with it gets that response back (with `Idempotent-Replayed: true`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Opaque identifier (UUID). */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description Default Response */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
