import Link from "next/link";

export default function ProjectNotFound() {
  return (
    <main className="mx-auto max-w-xl space-y-4 px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">Project not found</h1>
      <p className="text-slate-600">It doesn&apos;t exist, or it isn&apos;t yours.</p>
      <Link href="/projects" className="font-medium text-brand-700 underline">
        Back to your projects
      </Link>
    </main>
  );
}
