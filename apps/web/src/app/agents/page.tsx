'use client';
import { AgentsPage } from '@restflow/ui';

export default AgentsPage;
