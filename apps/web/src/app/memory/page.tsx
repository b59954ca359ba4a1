'use client';
import { MemoryPage } from '@restflow/ui';

export default MemoryPage;
