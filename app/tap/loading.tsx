// Shown while the Tap page loads.
export default function Loading() {
  return <div className="loading">Loading tap…</div>;
}
