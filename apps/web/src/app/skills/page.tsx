'use client';
import { SkillsPage } from '@restflow/ui';

export default SkillsPage;
