// A read-only view of the server (GET /api/v1/server.json): version, data directory, retention,
// disk, ingest rate and the public URL that emails link to.
import { useApi } from '../hooks/useApi.ts';

export function ServerPanel() {
  const info = useApi<Record<string, unknown>>('/api/v1/server.json');
  return (
    <section className="card" aria-label="Server">
      <div className="card-head">
        <h2>Server</h2>
      </div>
      {info.error && <p className="muted">Not available: {info.error}</p>}
      {info.data && <pre className="small">{JSON.stringify(info.data, null, 2)}</pre>}
    </section>
  );
}
