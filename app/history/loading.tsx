// Shown while the History page loads.
export default function Loading() {
  return <div className="loading">Loading history…</div>;
}
