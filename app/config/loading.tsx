// Shown while the Config pages load.
export default function Loading() {
  return <div className="loading">Loading config…</div>;
}
