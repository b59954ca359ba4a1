'use client';
import { TasksPage } from '@restflow/ui';

export default TasksPage;
