// Shown while the Routes page loads.
export default function Loading() {
  return <div className="loading">Loading routes…</div>;
}
