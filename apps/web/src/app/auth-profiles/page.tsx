'use client';
import { AuthProfilesPage } from '@restflow/ui';

export default AuthProfilesPage;
