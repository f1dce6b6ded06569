// The dashboard opens on live traffic.
import { redirect } from "next/navigation";

export default function Home() {
  redirect("/tap");
}
