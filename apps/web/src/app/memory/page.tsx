'use client';
import { MemoryView } from '../../components/memory/memory-view';

export default function MemoryPage() {
  return <MemoryView />;
}
