export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '4rem auto', padding: '0 1rem' }}>
      <h1>Driftwood</h1>
      <p>Your logs are being received. The event viewer arrives in a later release; until then, search with the API or the CLI:</p>
      <pre>npm run driftwood -- search "error"</pre>
    </main>
  );
}
