// Any other address under the signed-in app.
import { Link } from 'wouter';

export function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. Start from <Link href="/events">Events</Link> or the navigation above.
      </p>
    </div>
  );
}
