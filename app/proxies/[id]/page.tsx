// One proxy: its xDS sync detail (versions, pushes, convergence, NACK text) and its redacted config dump.
import type { Metadata } from "next";
import { proxyIdFromSegment, shortName } from "../proxy-status";
import { ProxyDetail } from "./proxy-detail";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `${shortName(proxyIdFromSegment(id))} · Proxies · meshdash` };
}

export default async function ProxyPage({ params }: Props) {
  const { id } = await params;
  return <ProxyDetail id={proxyIdFromSegment(id)} />;
}
