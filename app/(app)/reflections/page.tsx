import type { Metadata } from "next";
import { ReflectionsScreen } from "@/components/learning/reflections-screen";

export const metadata: Metadata = { title: "Reflections" };

export default function ReflectionsPage() {
  return <ReflectionsScreen />;
}
