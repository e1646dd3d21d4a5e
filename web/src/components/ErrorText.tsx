// The server's error message where the action was started (nothing when there is none).
export function ErrorText({ message, prefix = '', className = '' }: { message: string | undefined; prefix?: string; className?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className={`error ${className}`.trim()}>
      {prefix}
      {message}
    </p>
  );
}
