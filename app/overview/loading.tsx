// Shown while the Overview page loads.
export default function Loading() {
  return <div className="loading">Loading overview…</div>;
}
