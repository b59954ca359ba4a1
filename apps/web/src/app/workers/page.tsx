'use client';
import { WorkersPage } from '@restflow/ui';

export default WorkersPage;
