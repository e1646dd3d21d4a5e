// Screens of issue 12 (management) until they land: say what to use meanwhile.
export function NotYet({ title }: { title: string }) {
  return (
    <div className="page">
      <h1>{title}</h1>
      <p>
        This screen is not in the web UI yet. Meanwhile the CLI does it: <code>npm run driftwood -- --help</code>, or the HTTP API (README).
      </p>
    </div>
  );
}
