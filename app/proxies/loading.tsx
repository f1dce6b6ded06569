// Shown while a Proxies page loads.
export default function Loading() {
  return <div className="loading">Loading proxies…</div>;
}
