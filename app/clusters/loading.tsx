// Shown while a Clusters page loads.
export default function Loading() {
  return <div className="loading">Loading clusters…</div>;
}
