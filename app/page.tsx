// The dashboard opens on the mesh at a glance.
import { redirect } from "next/navigation";

export default function Home() {
  redirect("/overview");
}
