// 404 for dashboard paths that do not exist.
import Link from "next/link";

export default function NotFound() {
  return (
    <div className="empty-state">
      <h2>Page not found</h2>
      <p>
        Go to the <Link href="/overview">overview</Link> or <Link href="/tap">live tap</Link>.
      </p>
    </div>
  );
}
