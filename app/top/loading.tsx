// Shown while the Top page loads.
export default function Loading() {
  return <div className="loading">Loading top…</div>;
}
