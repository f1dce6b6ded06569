// Shown while the Policy page loads.
export default function Loading() {
  return <div className="loading">Loading policies…</div>;
}
