'use client';
import { SettingsPage } from '@restflow/ui';

export default SettingsPage;
