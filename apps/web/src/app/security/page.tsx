'use client';
import { SecurityPage } from '@restflow/ui';

export default SecurityPage;
