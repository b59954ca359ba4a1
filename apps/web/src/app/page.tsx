'use client';
import { ChatPage } from '@restflow/ui';

export default ChatPage;
