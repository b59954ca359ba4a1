'use client';
import { RunsPage } from '@restflow/ui';

export default RunsPage;
