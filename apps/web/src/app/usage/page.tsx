'use client';
import { UsagePage } from '@restflow/ui';

export default UsagePage;
