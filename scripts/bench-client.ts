import crypto from 'node:crypto';
import autocannon from 'autocannon';

/**
 * The load generator of `npm run bench`, in a process of its own as a real client is: autocannon's
 * own work (building requests, parsing 36 KB answers) would otherwise run on the server's thread,
 * between the requests it times. Started once by scripts/bench.ts, it runs each load it is sent and
 * answers every response's own time.
 */
export interface LoadRequest {
  url: string;
  bearer: string;
  duration: number;
  connections: number;
  /**
   * Paths each request takes the next of, across every load this process runs (none asked twice
   * while some are left); without them, every request goes to `url`'s own path.
   */
  paths?: readonly string[];
}

export interface LoadAnswer {
  /** Each 201's own latency, ms. */
  times: number[];
  rps: number;
  failures: number;
  /** Requests sent to a path an earlier request took, once `paths` ran out. */
  pathsReused: number;
}

/** How many of the `paths` requests have taken so far, over every load. */
let pathsTaken = 0;

process.on('message', (request: LoadRequest) => {
  load(request).then(
    (answer) => process.send?.(answer),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});

/**
 * One autocannon run of POSTs, each with a new Idempotency-Key. Times come from each response
 * (autocannon's summary rounds them to whole milliseconds, which reads a sub-millisecond round trip as 0).
 */
async function load({ url, bearer, duration, connections, paths }: LoadRequest): Promise<LoadAnswer> {
  const times: number[] = [];
  let failures = 0;
  let pathsReused = 0;
  const nextPath = (path: string | undefined): string | undefined => {
    if (paths === undefined || paths.length === 0) return path;
    if (pathsTaken >= paths.length) pathsReused += 1;
    const next = paths[pathsTaken % paths.length] ?? path;
    pathsTaken += 1;
    return next;
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration,
        requests: [
          {
            method: 'POST',
            body: '{}',
            setupRequest: (request) => ({
              ...request,
              path: nextPath(request.path),
              headers: {
                ...request.headers,
                authorization: `Bearer ${bearer}`,
                'content-type': 'application/json',
                'idempotency-key': crypto.randomUUID(),
              },
            }),
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 201) times.push(responseTime);
      else failures += 1;
    });
  });
  return {
    times,
    rps: result.requests.average,
    failures: failures + result.errors + result.timeouts,
    pathsReused,
  };
}
